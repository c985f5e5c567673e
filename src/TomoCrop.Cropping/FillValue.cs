using System.Buffers.Binary;
using TomoCrop.Volumes;

namespace TomoCrop.Cropping;

/// <summary>A fill value encoded as one little-endian voxel of a given type, checked to be representable.</summary>
public static class FillValue
{
    public static byte[] Encode(double value, VoxelType type)
    {
        var bytes = new byte[type.Size()];
        if (!type.IsFloat())
        {
            (double min, double max) = type switch
            {
                VoxelType.UInt8 => ((double)byte.MinValue, (double)byte.MaxValue),
                VoxelType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
                VoxelType.UInt16 => (ushort.MinValue, ushort.MaxValue),
                VoxelType.Int16 => (short.MinValue, short.MaxValue),
                VoxelType.UInt32 => (uint.MinValue, uint.MaxValue),
                VoxelType.Int32 => (int.MinValue, int.MaxValue),
                _ => throw new ArgumentOutOfRangeException(nameof(type)),
            };
            if (value != Math.Floor(value) || value < min || value > max)
            {
                throw new ArgumentException($"fill value {value} cannot be stored as {type.NumpyName()}");
            }
        }
        switch (type)
        {
            case VoxelType.UInt8: bytes[0] = (byte)value; break;
            case VoxelType.Int8: bytes[0] = (byte)(sbyte)value; break;
            case VoxelType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value); break;
            case VoxelType.Int16: BinaryPrimitives.WriteInt16LittleEndian(bytes, (short)value); break;
            case VoxelType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)value); break;
            case VoxelType.Int32: BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value); break;
            case VoxelType.Float32: BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)value); break;
            case VoxelType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(bytes, value); break;
        }
        return bytes;
    }

    public static void Fill(Span<byte> destination, byte[] voxel)
    {
        for (var i = 0; i < destination.Length; i += voxel.Length)
        {
            voxel.CopyTo(destination[i..]);
        }
    }
}
