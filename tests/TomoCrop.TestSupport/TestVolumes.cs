using System.IO.Hashing;
using TomoCrop.Volumes;

namespace TomoCrop.TestSupport;

/// <summary>Deterministic voxel patterns whose every value depends on (z, y, x), so a shifted or mis-ordered read shows.</summary>
public static class TestVolumes
{
    /// <summary>C-ordered little-endian bytes of a volume where each voxel encodes its own position (and a little noise).</summary>
    public static byte[] Pattern(VolumeShape shape, VoxelType type, int seed = 1)
    {
        var size = type.Size();
        var bytes = new byte[shape.VoxelCount * size];
        var random = new Random(seed);
        var span = bytes.AsSpan();
        long i = 0;
        for (var z = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++, i++)
        {
            var position = (z * 131) + (y * 17) + x;
            var target = span.Slice((int)(i * size), size);
            switch (type)
            {
                case VoxelType.UInt8: target[0] = (byte)(position + random.Next(3)); break;
                case VoxelType.Int8: target[0] = (byte)(sbyte)((position % 200) - 100); break;
                case VoxelType.UInt16: BitConverter.TryWriteBytes(target, (ushort)(position * 7 + random.Next(5))); break;
                case VoxelType.Int16: BitConverter.TryWriteBytes(target, (short)((position * 7 % 60000) - 30000)); break;
                case VoxelType.UInt32: BitConverter.TryWriteBytes(target, (uint)(position * 100003 + random.Next(100))); break;
                case VoxelType.Int32: BitConverter.TryWriteBytes(target, position * -7919 + random.Next(100)); break;
                case VoxelType.Float32: BitConverter.TryWriteBytes(target, (float)(position * 0.001 + random.NextDouble() * 1e-3 - 0.5)); break;
                case VoxelType.Float64: BitConverter.TryWriteBytes(target, position * 1e-6 + random.NextDouble()); break;
            }
        }
        return bytes;
    }

    /// <summary>The bytes of <paramref name="box"/> cut out of a C-ordered full volume held in memory (small test volumes only).</summary>
    public static byte[] Extract(byte[] full, VolumeShape shape, VoxelType type, VoxelBox box)
    {
        var size = type.Size();
        var result = new byte[box.VoxelCount * size];
        var rowBytes = box.X.Length * size;
        var o = 0;
        for (var z = box.Z.Start; z < box.Z.Stop; z++)
        for (var y = box.Y.Start; y < box.Y.Stop; y++)
        {
            var offset = ((((long)z * shape.Y) + y) * shape.X + box.X.Start) * size;
            Array.Copy(full, offset, result, o, rowBytes);
            o += rowBytes;
        }
        return result;
    }

    public static byte[] ReadAll(IVolumeReader reader)
    {
        var box = VoxelBox.Full(reader.Info.Shape);
        var bytes = new byte[box.VoxelCount * reader.Info.VoxelType.Size()];
        reader.ReadBox(box, bytes);
        return bytes;
    }

    public static void WriteAll(IVolumeWriter writer, byte[] data)
    {
        writer.WriteSlices(data, writer.Info.Shape.Z);
        writer.Complete();
    }

    public static string Hash(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(XxHash128.Hash(data));
}
