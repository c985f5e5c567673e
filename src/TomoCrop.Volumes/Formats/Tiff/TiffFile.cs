using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>
/// An open TIFF or BigTIFF file: its header and bounded positioned reads. Everything here is our own
/// parsing, so a hostile header is refused before LibTiff (which trusts declared sizes) ever sees it.
/// </summary>
internal sealed class TiffFile : IDisposable
{
    private TiffFile(string path, SafeFileHandle handle, long length, ByteOrder byteOrder, bool isBigTiff, long firstIfdOffset)
    {
        Path = path;
        Handle = handle;
        Length = length;
        ByteOrder = byteOrder;
        IsBigTiff = isBigTiff;
        FirstIfdOffset = firstIfdOffset;
    }

    public string Path { get; }

    public SafeFileHandle Handle { get; }

    public long Length { get; }

    public ByteOrder ByteOrder { get; }

    public bool IsBigTiff { get; }

    public long FirstIfdOffset { get; }

    /// <summary>Bytes of one IFD offset / count field: 4 in classic TIFF, 8 in BigTIFF.</summary>
    public int OffsetSize => IsBigTiff ? 8 : 4;

    public static TiffFile Open(string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(path, $"cannot open: {e.Message}", e);
        }
        try
        {
            var length = RandomAccess.GetLength(handle);
            Span<byte> head = stackalloc byte[16];
            var read = ReadAtMost(path, handle, 0, head);
            if (read < 8)
            {
                throw new VolumeException(path, $"not a TIFF: only {read} bytes long");
            }
            ByteOrder order;
            if (head[0] == 'I' && head[1] == 'I')
            {
                order = ByteOrder.Little;
            }
            else if (head[0] == 'M' && head[1] == 'M')
            {
                order = ByteOrder.Big;
            }
            else
            {
                throw new VolumeException(path, "not a TIFF: the file does not start with II or MM");
            }
            var magic = order == ByteOrder.Little ? BinaryPrimitives.ReadUInt16LittleEndian(head[2..]) : BinaryPrimitives.ReadUInt16BigEndian(head[2..]);
            long firstIfd;
            var bigTiff = false;
            if (magic == 42)
            {
                firstIfd = order == ByteOrder.Little ? BinaryPrimitives.ReadUInt32LittleEndian(head[4..]) : BinaryPrimitives.ReadUInt32BigEndian(head[4..]);
            }
            else if (magic == 43)
            {
                bigTiff = true;
                if (read < 16)
                {
                    throw new VolumeException(path, "truncated BigTIFF header");
                }
                var offsetSize = order == ByteOrder.Little ? BinaryPrimitives.ReadUInt16LittleEndian(head[4..]) : BinaryPrimitives.ReadUInt16BigEndian(head[4..]);
                if (offsetSize != 8)
                {
                    throw new VolumeException(path, $"BigTIFF with unsupported offset size {offsetSize}");
                }
                var value = order == ByteOrder.Little ? BinaryPrimitives.ReadUInt64LittleEndian(head[8..]) : BinaryPrimitives.ReadUInt64BigEndian(head[8..]);
                firstIfd = value > long.MaxValue ? -1 : (long)value;
            }
            else
            {
                throw new VolumeException(path, $"not a TIFF: version {magic} is neither 42 (TIFF) nor 43 (BigTIFF)");
            }
            if (firstIfd < 8 || firstIfd >= length)
            {
                throw new VolumeException(path, $"first image directory offset {firstIfd} lies outside the {length}-byte file (truncated?)");
            }
            return new TiffFile(path, handle, length, order, bigTiff, firstIfd);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; a short file is "truncated".</summary>
    public void ReadExactly(long offset, Span<byte> buffer, string context = "")
    {
        if (offset < 0 || offset + buffer.Length > Length)
        {
            throw new VolumeException(Path, $"{context}truncated: needs bytes {offset}..{offset + buffer.Length} but the file has {Length}");
        }
        var got = ReadAtMost(Path, Handle, offset, buffer);
        if (got != buffer.Length)
        {
            throw new VolumeException(Path, $"{context}truncated: unexpected end of file at byte {offset + got}");
        }
    }

    private static int ReadAtMost(string path, SafeFileHandle handle, long offset, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            int n;
            try
            {
                n = RandomAccess.Read(handle, buffer[total..], offset + total);
            }
            catch (IOException e)
            {
                throw new VolumeException(path, $"read failed at byte {offset + total}: {e.Message}", e);
            }
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    public ushort U16(ReadOnlySpan<byte> b) =>
        ByteOrder == ByteOrder.Little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    public uint U32(ReadOnlySpan<byte> b) =>
        ByteOrder == ByteOrder.Little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);

    public ulong U64(ReadOnlySpan<byte> b) =>
        ByteOrder == ByteOrder.Little ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b);

    /// <summary>An offset or count field (4 bytes in TIFF, 8 in BigTIFF); values beyond long range come back as -1.</summary>
    public long OffsetField(ReadOnlySpan<byte> b)
    {
        if (!IsBigTiff)
        {
            return U32(b);
        }
        var value = U64(b);
        return value > long.MaxValue ? -1 : (long)value;
    }

    public void Dispose() => Handle.Dispose();
}
