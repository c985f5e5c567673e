using System.Runtime.InteropServices;
using TomoCrop.Volumes;

namespace TomoCrop.Phantoms.Tests;

/// <summary>Small helpers shared by the phantom tests: raw output, whole-volume reads of small test volumes.</summary>
internal static class PhantomTestKit
{
    public static VolumeWriteOptions Raw { get; } = new() { Format = VolumeFormat.Raw };

    /// <summary>Fast artefacts for geometry tests.</summary>
    public static ArtefactOptions Approximate { get; } = new() { Mode = ArtefactMode.Approximate };

    public static float[] ReadFloats(string path)
    {
        using var reader = VolumeIO.Open(path);
        var box = VoxelBox.Full(reader.Info.Shape);
        var bytes = new byte[box.VoxelCount * reader.Info.VoxelType.Size()];
        reader.ReadBox(box, bytes);
        return reader.Info.VoxelType switch
        {
            VoxelType.Float32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
            VoxelType.UInt16 => MemoryMarshal.Cast<byte, ushort>(bytes).ToArray().Select(v => (float)v).ToArray(),
            VoxelType.UInt8 => bytes.Select(v => (float)v).ToArray(),
            _ => throw new NotSupportedException(),
        };
    }

    public static byte[] ReadMask(string path)
    {
        using var reader = VolumeIO.Open(path);
        Assert.Equal(VoxelType.UInt8, reader.Info.VoxelType);
        var box = VoxelBox.Full(reader.Info.Shape);
        var bytes = new byte[box.VoxelCount];
        reader.ReadBox(box, bytes);
        return bytes;
    }

    /// <summary>The bounding box of the non-zero voxels, computed independently of the generator.</summary>
    public static VoxelBox? BoundingBox(byte[] mask, VolumeShape shape)
    {
        int[] low = [int.MaxValue, int.MaxValue, int.MaxValue];
        int[] high = [-1, -1, -1];
        var i = 0;
        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++, i++)
        {
            if (mask[i] == 0)
            {
                continue;
            }
            int[] p = [z, y, x];
            for (var a = 0; a < 3; a++)
            {
                low[a] = Math.Min(low[a], p[a]);
                high[a] = Math.Max(high[a], p[a]);
            }
        }
        return high[0] < 0 ? null : new VoxelBox(new(low[0], high[0] + 1), new(low[1], high[1] + 1), new(low[2], high[2] + 1));
    }

    /// <summary>Mean over annuli 1/<paramref name="binsPerVoxel"/> voxel wide around the slice's centre; bin b holds radius b/binsPerVoxel.</summary>
    public static double[] RadialProfile(ReadOnlySpan<float> slice, int height, int width, int bins, int binsPerVoxel = 1)
    {
        var sum = new double[bins];
        var count = new int[bins];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var b = RadialBin(y, x, height, width, binsPerVoxel);
            if (b < bins)
            {
                sum[b] += slice[y * width + x];
                count[b]++;
            }
        }
        return sum.Select((s, b) => count[b] == 0 ? 0 : s / count[b]).ToArray();
    }

    public static int RadialBin(int y, int x, int height, int width, int binsPerVoxel) =>
        (int)Math.Round(binsPerVoxel * Math.Sqrt(Math.Pow(y - (height - 1) / 2.0, 2) + Math.Pow(x - (width - 1) / 2.0, 2)));
}

/// <summary>A real raw writer underneath, recording how many slices each call hands over.</summary>
internal sealed class RecordingWriter(IVolumeWriter inner) : IVolumeWriter
{
    public List<int> SliceCounts { get; } = [];

    public VolumeInfo Info => inner.Info;

    public void WriteSlices(ReadOnlySpan<byte> slices, int sliceCount)
    {
        SliceCounts.Add(sliceCount);
        inner.WriteSlices(slices, sliceCount);
    }

    public void SetAttributes(IReadOnlyDictionary<string, string> attributes) => inner.SetAttributes(attributes);

    public void Complete() => inner.Complete();

    public void Dispose() => inner.Dispose();
}
