using System.Runtime.InteropServices;

namespace TomoCrop.Volumes;

/// <summary>Widening conversion of packed little-endian voxels to float32, for analysis (never for output).</summary>
public static class VoxelConvert
{
    public static void ToFloat32(ReadOnlySpan<byte> source, VoxelType type, Span<float> destination)
    {
        var count = destination.Length;
        if (source.Length != (long)count * type.Size())
        {
            throw new ArgumentException("source and destination sizes differ");
        }
        switch (type)
        {
            case VoxelType.UInt8:
                for (var i = 0; i < count; i++) destination[i] = source[i];
                break;
            case VoxelType.Int8:
                var sbytes = MemoryMarshal.Cast<byte, sbyte>(source);
                for (var i = 0; i < count; i++) destination[i] = sbytes[i];
                break;
            case VoxelType.UInt16:
                var ushorts = MemoryMarshal.Cast<byte, ushort>(source);
                for (var i = 0; i < count; i++) destination[i] = ushorts[i];
                break;
            case VoxelType.Int16:
                var shorts = MemoryMarshal.Cast<byte, short>(source);
                for (var i = 0; i < count; i++) destination[i] = shorts[i];
                break;
            case VoxelType.UInt32:
                var uints = MemoryMarshal.Cast<byte, uint>(source);
                for (var i = 0; i < count; i++) destination[i] = uints[i];
                break;
            case VoxelType.Int32:
                var ints = MemoryMarshal.Cast<byte, int>(source);
                for (var i = 0; i < count; i++) destination[i] = ints[i];
                break;
            case VoxelType.Float32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case VoxelType.Float64:
                var doubles = MemoryMarshal.Cast<byte, double>(source);
                for (var i = 0; i < count; i++) destination[i] = (float)doubles[i];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type));
        }
    }
}
