using System.Buffers.Binary;
using System.Text;

namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>
/// Just enough of the HDF5 file format to find and edit the object header of a dataset in a file PureHDF wrote:
/// superblock version 2/3, version-2 object headers ("OHDR", single chunk, lookup3 checksum) and compact hard links.
/// Every header read is checksum-verified, so a wrong turn is an error, never a silent edit of the wrong bytes.
/// </summary>
internal static class Hdf5ObjectHeaders
{
    public const byte LinkMessageType = 0x06;

    /// <summary>Larger than any header PureHDF writes for our datasets (one reserved attribute of under 64 KiB).</summary>
    private const int MaxHeaderBytes = 1 << 20;

    public readonly record struct Message(byte Type, int Start, int Length, int DataStart, int DataLength);

    /// <summary>A checksum-verified object header: its file offset, bytes (prefix to checksum) and messages.</summary>
    public sealed record Header(long Address, byte[] Bytes, int MessageHeaderBytes, IReadOnlyList<Message> Messages)
    {
        public int ChecksumAt => Bytes.Length - 4;

        public void UpdateChecksum() =>
            BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(ChecksumAt), JenkinsLookup3.Hash(Bytes.AsSpan(0, ChecksumAt)));
    }

    /// <summary>The object header of the dataset at <paramref name="datasetPath"/> (e.g. /exchange/data).</summary>
    public static Header FindDataset(string path, FileStream file, string datasetPath)
    {
        Span<byte> superblock = stackalloc byte[48];
        ReadAt(path, file, 0, superblock);
        if (superblock[8] is not (2 or 3) || superblock[9] != 8)
        {
            throw Fail(path, "superblock is not version 2/3 with 8-byte addresses");
        }
        var baseAddress = BinaryPrimitives.ReadInt64LittleEndian(superblock[12..]);
        var address = baseAddress + BinaryPrimitives.ReadInt64LittleEndian(superblock[36..]);
        foreach (var name in datasetPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var group = Read(path, file, address);
            address = baseAddress + (FindHardLink(group, name) ?? throw Fail(path, $"no link '{name}' on the way to {datasetPath}"));
        }
        return Read(path, file, address);
    }

    public static void Write(FileStream file, Header header)
    {
        file.Position = header.Address;
        file.Write(header.Bytes);
    }

    private static Header Read(string path, FileStream file, long address)
    {
        Span<byte> prefix = stackalloc byte[4 + 1 + 1 + 16 + 4 + 8];
        ReadAt(path, file, address, prefix);
        if (!prefix[..4].SequenceEqual("OHDR"u8) || prefix[4] != 2)
        {
            throw Fail(path, $"no version-2 object header at byte {address}");
        }
        var flags = prefix[5];
        var prefixLength = PrefixLength(flags);
        var sizeBytes = 1 << (flags & 3);
        var chunkSize = ReadUnsigned(prefix.Slice(prefixLength - sizeBytes, sizeBytes));
        if (chunkSize > MaxHeaderBytes)
        {
            throw Fail(path, $"object header at byte {address} is implausibly large");
        }
        var bytes = new byte[prefixLength + (int)chunkSize + 4];
        ReadAt(path, file, address, bytes);
        var checksumAt = bytes.Length - 4;
        if (JenkinsLookup3.Hash(bytes.AsSpan(0, checksumAt)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(checksumAt)))
        {
            throw Fail(path, $"object header at byte {address} fails its checksum");
        }
        var messageHeader = 4 + ((flags & 0x04) != 0 ? 2 : 0);
        var messages = new List<Message>();
        var at = prefixLength;
        // Bytes left over at the end of the chunk (fewer than a message header) are a gap, not a message.
        while (at + messageHeader <= checksumAt)
        {
            var size = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 1));
            var next = at + messageHeader + size;
            if (next > checksumAt)
            {
                throw Fail(path, $"malformed message in the object header at byte {address}");
            }
            messages.Add(new Message(bytes[at], at, messageHeader + size, at + messageHeader, size));
            at = next;
        }
        return new Header(address, bytes, messageHeader, messages);
    }

    /// <summary>Address of the hard link called <paramref name="name"/> among a group header's link messages.</summary>
    private static long? FindHardLink(Header group, string name)
    {
        var wanted = Encoding.UTF8.GetBytes(name);
        foreach (var message in group.Messages.Where(m => m.Type == LinkMessageType))
        {
            var data = group.Bytes.AsSpan(message.DataStart, message.DataLength);
            var flags = data[1];
            var at = 2;
            var linkType = 0;
            if ((flags & 0x08) != 0)
            {
                linkType = data[at++];
            }
            if ((flags & 0x04) != 0)
            {
                at += 8; // creation order
            }
            if ((flags & 0x10) != 0)
            {
                at += 1; // name character set
            }
            var lengthBytes = 1 << (flags & 3);
            var nameLength = (int)ReadUnsigned(data.Slice(at, lengthBytes));
            at += lengthBytes;
            if (linkType == 0 && data.Slice(at, nameLength).SequenceEqual(wanted))
            {
                return BinaryPrimitives.ReadInt64LittleEndian(data[(at + nameLength)..]);
            }
        }
        return null;
    }

    private static int PrefixLength(byte flags)
    {
        var length = 4 + 1 + 1;
        if ((flags & 0x20) != 0)
        {
            length += 16; // access, modification, change and birth times
        }
        if ((flags & 0x10) != 0)
        {
            length += 4; // attribute phase-change values
        }
        return length + (1 << (flags & 3));
    }

    private static ulong ReadUnsigned(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        1 => bytes[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
    };

    private static void ReadAt(string path, FileStream file, long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset + buffer.Length > file.Length)
        {
            throw Fail(path, $"structure points outside the file (byte {offset})");
        }
        file.Position = offset;
        file.ReadExactly(buffer);
    }

    private static VolumeException Fail(string path, string problem) =>
        new(path, $"cannot store attributes: {problem}");
}
