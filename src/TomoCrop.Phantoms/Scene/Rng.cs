namespace TomoCrop.Phantoms.Scene;

/// <summary>
/// Small deterministic generator (SplitMix64): the same seed gives the same stream on every runtime and
/// machine, which System.Random does not promise. Streams for slices are derived with <see cref="Derive"/>
/// so parallel generation stays independent of thread scheduling.
/// </summary>
internal struct Rng
{
    private ulong _state;
    private double? _spareGaussian;

    public Rng(long seed)
    {
        _state = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        _spareGaussian = null;
    }

    /// <summary>An independent stream for (seed, purpose, index).</summary>
    public static Rng Derive(long seed, int purpose, long index) =>
        new((long)Mix(Mix((ulong)seed + 0x632BE59BD9B4E019UL * (ulong)(purpose + 1)) ^ (ulong)index));

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [low, high).</summary>
    public int Next(int low, int high) => low + (int)((NextULong() >> 33) % (ulong)Math.Max(1, high - low));

    public bool Chance(double probability) => NextDouble() < probability;

    public double Gaussian()
    {
        if (_spareGaussian is { } spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareGaussian = v * factor;
        return u * factor;
    }
}
