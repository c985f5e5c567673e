using TomoCrop.Volumes;

namespace TomoCrop.Localization.Tests.Classical;

/// <summary>
/// Small synthetic reconstructions written as real raw files: Gaussian background noise, optional holder tube
/// along z, bright ellipsoids. Intensities are in attenuation-like units (background 0.2, wall 0.6, specimen 1.0)
/// scaled to the voxel type's range. The true box of every ellipsoid's voxels is computed while writing.
/// </summary>
internal sealed class SyntheticScene
{
    public sealed record Ellipsoid(double Z, double Y, double X, double Rz, double Ry, double Rx, double Value = 1.0)
    {
        public bool Contains(int z, int y, int x) =>
            Sq((z - Z) / Rz) + Sq((y - Y) / Ry) + Sq((x - X) / Rx) <= 1.0;

        private static double Sq(double v) => v * v;
    }

    public required VolumeShape Shape { get; init; }

    public double Background { get; init; } = 0.2;

    public double Noise { get; init; } = 0.05;

    /// <summary>Noise inside the objects; null means the same as <see cref="Noise"/> (0 gives noise-free plateaus).</summary>
    public double? ObjectNoise { get; init; }

    public List<Ellipsoid> Objects { get; init; } = [];

    /// <summary>Tube along z centred in (y, x): inner and outer radius; null for no holder.</summary>
    public (double Inner, double Outer)? Tube { get; init; }

    public double TubeValue { get; init; } = 0.6;

    /// <summary>Voxels farther than this from the (y, x) centre are NaN (float types only), like a reconstruction's outside.</summary>
    public double? NaNOutsideRadius { get; init; }

    public int Seed { get; init; } = 7;

    /// <summary>Writes the scene as a raw volume with sidecar; returns the true box of all objects (null when none).</summary>
    public VoxelBox? Write(string path, VoxelType type)
    {
        var random = new Random(Seed);
        var size = type.Size();
        var slice = new byte[Shape.SliceVoxels * size];
        int[] lo = [int.MaxValue, int.MaxValue, int.MaxValue], hi = [-1, -1, -1];
        using var writer = VolumeIO.Create(path, Shape, type, new VolumeWriteOptions { Format = VolumeFormat.Raw });
        double cy = (Shape.Y - 1) / 2.0, cx = (Shape.X - 1) / 2.0;
        for (var z = 0; z < Shape.Z; z++)
        {
            for (var y = 0; y < Shape.Y; y++)
            {
                for (var x = 0; x < Shape.X; x++)
                {
                    var radius = Math.Sqrt(((y - cy) * (y - cy)) + ((x - cx) * (x - cx)));
                    var value = Background;
                    if (Tube is { } tube && radius >= tube.Inner && radius <= tube.Outer)
                    {
                        value = TubeValue;
                    }
                    var noise = Noise;
                    foreach (var o in Objects)
                    {
                        if (o.Contains(z, y, x))
                        {
                            noise = ObjectNoise ?? Noise;
                            value = o.Value;
                            lo[0] = Math.Min(lo[0], z); hi[0] = Math.Max(hi[0], z);
                            lo[1] = Math.Min(lo[1], y); hi[1] = Math.Max(hi[1], y);
                            lo[2] = Math.Min(lo[2], x); hi[2] = Math.Max(hi[2], x);
                        }
                    }
                    value += noise * Gaussian(random);
                    if (NaNOutsideRadius is { } r && radius > r)
                    {
                        value = double.NaN;
                    }
                    Encode(value, type, slice.AsSpan((int)(((long)y * Shape.X + x) * size), size));
                }
            }
            writer.WriteSlices(slice, 1);
        }
        writer.Complete();
        return hi[0] < 0 ? null : new VoxelBox(new(lo[0], hi[0] + 1), new(lo[1], hi[1] + 1), new(lo[2], hi[2] + 1));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static void Encode(double value, VoxelType type, Span<byte> target)
    {
        switch (type)
        {
            case VoxelType.UInt8: target[0] = (byte)Math.Clamp(Math.Round(value * 200), 0, 255); break;
            case VoxelType.Int8: target[0] = (byte)(sbyte)Math.Clamp(Math.Round((value * 150) - 60), -128, 127); break;
            case VoxelType.UInt16: BitConverter.TryWriteBytes(target, (ushort)Math.Clamp(Math.Round(value * 40000), 0, 65535)); break;
            case VoxelType.Int16: BitConverter.TryWriteBytes(target, (short)Math.Clamp(Math.Round((value * 30000) - 10000), -32768, 32767)); break;
            case VoxelType.UInt32: BitConverter.TryWriteBytes(target, (uint)Math.Clamp(Math.Round(value * 1e6), 0, uint.MaxValue)); break;
            case VoxelType.Int32: BitConverter.TryWriteBytes(target, (int)Math.Round((value * 1e6) - 3e5)); break;
            case VoxelType.Float32: BitConverter.TryWriteBytes(target, (float)value); break;
            case VoxelType.Float64: BitConverter.TryWriteBytes(target, value); break;
        }
    }
}
