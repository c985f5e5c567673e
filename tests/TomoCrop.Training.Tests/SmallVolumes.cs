using TomoCrop.Volumes;

namespace TomoCrop.Training.Tests;

/// <summary>Tiny raw float32 volumes on disk: noise plus an off-centre lumpy blob, enough to drive a few training steps.</summary>
internal static class SmallVolumes
{
    public static string Write(string directory, string name, VolumeShape shape, int seed)
    {
        var random = new Random(seed);
        var data = new float[shape.VoxelCount];
        var (cz, cy, cx) = (shape.Z * 0.4, shape.Y * 0.55, shape.X * 0.45);
        for (int z = 0, i = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++, i++)
        {
            var inside = Math.Pow((z - cz) / 6.0, 2) + Math.Pow((y - cy) / 9.0, 2) + Math.Pow((x - cx) / 4.0, 2) < 1;
            data[i] = (float)(random.NextDouble() * 0.2 + (inside ? 1 + 0.5 * Math.Sin(y * 0.8) : 0));
        }
        var path = Path.Combine(directory, name + ".raw");
        using var writer = VolumeIO.Create(path, shape, VoxelType.Float32, new VolumeWriteOptions { Format = VolumeFormat.Raw });
        var bytes = new byte[data.Length * 4];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        writer.WriteSlices(bytes, shape.Z);
        writer.Complete();
        return path;
    }
}
