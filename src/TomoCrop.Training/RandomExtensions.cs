namespace TomoCrop.Training;

public static class RandomExtensions
{
    /// <summary>A standard normal draw (Box–Muller), consuming two uniforms.</summary>
    public static double NextGaussian(this Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
