using System.Buffers.Binary;

namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>
/// Checks the HDF5 superblock before any HDF5 parsing: the signature must be there (at 0 or after a user
/// block of 512, 1024, 2048... bytes) and the file must be as long as the end-of-file address it records,
/// which is how libhdf5 itself recognises a truncated file.
/// </summary>
internal static class Hdf5Superblock
{
    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    public static void CheckComplete(string path)
    {
        using var stream = OpenForCheck(path);
        var length = stream.Length;
        var header = new byte[64];
        long offset = 0;
        while (true)
        {
            var read = ReadAt(stream, offset, header);
            if (read >= Signature.Length && header.AsSpan(0, Signature.Length).SequenceEqual(Signature))
            {
                CheckEndOfFile(path, header.AsSpan(0, read), length);
                return;
            }
            offset = offset == 0 ? 512 : offset * 2;
            if (offset + Signature.Length > length)
            {
                throw new VolumeException(path, "not an HDF5 file (no HDF5 signature found)");
            }
        }
    }

    private static void CheckEndOfFile(string path, ReadOnlySpan<byte> superblock, long fileLength)
    {
        if (superblock.Length < 9)
        {
            throw new VolumeException(path, "truncated: the HDF5 superblock is incomplete");
        }
        var version = superblock[8];
        int offsetsSize;
        int baseAddressAt;
        switch (version)
        {
            case 0 or 1:
                if (superblock.Length < 16)
                {
                    throw new VolumeException(path, "truncated: the HDF5 superblock is incomplete");
                }
                offsetsSize = superblock[13];
                baseAddressAt = version == 0 ? 24 : 28;
                break;
            case 2 or 3:
                offsetsSize = superblock[9];
                baseAddressAt = 12;
                break;
            default:
                throw new VolumeException(path, $"unsupported HDF5 superblock version {version}");
        }
        if (offsetsSize is not (2 or 4 or 8))
        {
            throw new VolumeException(path, $"corrupt HDF5 superblock (offset size {offsetsSize})");
        }
        // Base address, then (v0/1: free-space address | v2/3: superblock extension address), then the end-of-file address.
        var eofAt = baseAddressAt + (2 * offsetsSize);
        if (superblock.Length < eofAt + offsetsSize)
        {
            throw new VolumeException(path, "truncated: the HDF5 superblock is incomplete");
        }
        // libhdf5 compares the recorded end-of-file address with the whole file's size (user block included).
        if (ReadAddress(superblock.Slice(eofAt, offsetsSize)) is not { } requiredLength)
        {
            return;
        }
        if ((ulong)fileLength < requiredLength)
        {
            throw new VolumeException(path, $"truncated: the file has {fileLength} bytes but its HDF5 superblock records {requiredLength}");
        }
    }

    /// <summary>A little-endian address; null for the all-ones "undefined address".</summary>
    private static ulong? ReadAddress(ReadOnlySpan<byte> bytes)
    {
        ulong value = bytes.Length switch
        {
            2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
        var undefined = bytes.Length == 8 ? ulong.MaxValue : (1UL << (bytes.Length * 8)) - 1;
        return value == undefined ? null : value;
    }

    private static FileStream OpenForCheck(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        }
        catch (FileNotFoundException)
        {
            throw new VolumeException(path, "no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(path, $"cannot open: {e.Message}", e);
        }
    }

    private static int ReadAt(FileStream stream, long offset, Span<byte> buffer)
    {
        stream.Position = offset;
        return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }
}
