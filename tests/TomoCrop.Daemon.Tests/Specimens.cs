using System.Runtime.InteropServices;
using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Tests;

/// <summary>Float32 volumes with a textured bright block (the specimen) in dim noise, written slab by slab.</summary>
internal static class Specimens
{
    public static readonly VolumeShape SmallShape = new(48, 64, 64);
    public static readonly VoxelBox SmallBox = new(new(12, 36), new(20, 44), new(16, 40));

    public static float[] Slice(VolumeShape shape, VoxelBox specimen, int z, int seed = 7)
    {
        var random = new Random(HashCode.Combine(seed, z));
        var slice = new float[shape.Y * shape.X];
        for (var y = 0; y < shape.Y; y++)
        {
            for (var x = 0; x < shape.X; x++)
            {
                var inside = In(specimen.Z, z) && In(specimen.Y, y) && In(specimen.X, x);
                slice[(y * shape.X) + x] = inside
                    ? 1.0f + (0.3f * MathF.Sin((x * 0.7f) + (y * 0.3f) + z)) + (0.05f * random.NextSingle())
                    : 0.02f * random.NextSingle();
            }
        }
        return slice;
    }

    private static bool In(AxisRange range, int i) => i >= range.Start && i < range.Stop;

    /// <summary>Writes a whole volume with our writer (the way a finished reconstruction appears).</summary>
    public static void Write(string path, VolumeFormat format, VolumeShape shape, VoxelBox specimen, int seed = 7)
    {
        using var writer = VolumeIO.Create(path, shape, VoxelType.Float32, new VolumeWriteOptions { Format = format, DatasetPath = "/exchange/data" });
        for (var z = 0; z < shape.Z; z++)
        {
            writer.WriteSlices(MemoryMarshal.AsBytes(Slice(shape, specimen, z, seed).AsSpan()), 1);
        }
        writer.Complete();
    }

    /// <summary>xxhash of every file of a volume (a stack's slices in name order): equal before and after = untouched.</summary>
    public static string Fingerprint(string path)
    {
        var files = Directory.Exists(path) ? Directory.EnumerateFiles(path).Order().ToArray() : [path];
        return string.Join(",", files.Select(f => TomoCrop.TestSupport.TestVolumes.Hash(File.ReadAllBytes(f))));
    }
}
