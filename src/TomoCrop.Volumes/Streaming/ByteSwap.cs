using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TomoCrop.Volumes;

/// <summary>In-place byte-order reversal of packed voxels.</summary>
public static class ByteSwap
{
    public static void InPlace(Span<byte> data, int voxelSize)
    {
        switch (voxelSize)
        {
            case 1:
                return;
            case 2:
                var shorts = MemoryMarshal.Cast<byte, ushort>(data);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                return;
            case 4:
                var ints = MemoryMarshal.Cast<byte, uint>(data);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                return;
            case 8:
                var longs = MemoryMarshal.Cast<byte, ulong>(data);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(voxelSize));
        }
    }

    /// <summary>Whether data stored in <paramref name="order"/> needs swapping to reach this machine's order.</summary>
    public static bool Needed(ByteOrder order) => (order == ByteOrder.Little) != BitConverter.IsLittleEndian;
}
