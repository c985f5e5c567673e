using System.Buffers.Binary;
using System.Text;

namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>
/// Sets the ImageDescription of the first page of a file we just wrote, without LibTiff.NET (whose
/// RewriteDirectory writes a classic 4-byte pointer into BigTIFF headers): a copy of the first directory with
/// the new tag is appended, then the header is pointed at it. Until that last 4/8-byte write the old
/// directory stays valid, so a crash leaves a readable file, only without the description.
/// Used at Complete, because provenance may arrive after the first slice is written.
/// </summary>
internal static class TiffDescriptionEditor
{
    private const ushort TagImageDescription = 270;
    private const ushort TypeAscii = 2;

    public static void SetFirstDescription(FileStream stream, string description)
    {
        Span<byte> head = stackalloc byte[16];
        stream.Position = 0;
        stream.ReadExactly(head);
        var little = head[0] == 'I';
        var big = U16(head[2..], little) == 43;
        var countSize = big ? 8 : 2;
        var entrySize = big ? 20 : 12;
        var offsetSize = big ? 8 : 4;
        var ifd = big ? (long)U64(head[8..], little) : U32(head[4..], little);

        stream.Position = ifd;
        var countBytes = new byte[countSize];
        stream.ReadExactly(countBytes);
        var count = big ? (int)U64(countBytes, little) : U16(countBytes, little);
        var body = new byte[(count * entrySize) + offsetSize];
        stream.ReadExactly(body);
        var next = body.AsSpan(count * entrySize, offsetSize).ToArray();

        // TIFF ASCII is 7-bit: the JSON writer escapes everything else.
        var text = Encoding.ASCII.GetBytes(description + "\0");
        var textOffset = stream.Length + (stream.Length % 2);
        var newIfd = textOffset + text.Length + ((textOffset + text.Length) % 2);
        var entry = new byte[entrySize];
        Put16(entry, TagImageDescription, little);
        Put16(entry.AsSpan(2), TypeAscii, little);
        PutOffset(entry.AsSpan(4), text.Length, big, little);
        if (text.Length <= offsetSize)
        {
            text.CopyTo(entry.AsSpan(4 + offsetSize));
        }
        else
        {
            PutOffset(entry.AsSpan(4 + offsetSize), textOffset, big, little);
        }

        var entries = new List<byte[]>(count + 1);
        for (var i = 0; i < count; i++)
        {
            var e = body.AsSpan(i * entrySize, entrySize);
            if (U16(e, little) != TagImageDescription)
            {
                entries.Add(e.ToArray());
            }
        }
        entries.Add(entry);
        entries.Sort((a, b) => U16(a, little).CompareTo(U16(b, little)));

        var output = new MemoryStream();
        output.Write(new byte[textOffset - stream.Length]);
        output.Write(text);
        output.Write(new byte[newIfd - (textOffset + text.Length)]);
        var newCount = new byte[countSize];
        PutOffset(newCount, entries.Count, big, little, countSize);
        output.Write(newCount);
        foreach (var e in entries)
        {
            output.Write(e);
        }
        output.Write(next);
        stream.Position = stream.Length;
        stream.Write(output.GetBuffer(), 0, (int)output.Length);
        stream.Flush(flushToDisk: true);

        var pointer = new byte[offsetSize];
        PutOffset(pointer, newIfd, big, little);
        stream.Position = big ? 8 : 4;
        stream.Write(pointer);
        stream.Flush(flushToDisk: true);
    }

    private static ushort U16(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint U32(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);

    private static ulong U64(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b);

    private static void Put16(Span<byte> b, ushort value, bool little)
    {
        if (little) BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        else BinaryPrimitives.WriteUInt16BigEndian(b, value);
    }

    /// <summary>Writes an offset/count field: 4 bytes in TIFF, 8 in BigTIFF (or <paramref name="width"/> bytes).</summary>
    private static void PutOffset(Span<byte> b, long value, bool big, bool little, int width = 0)
    {
        width = width == 0 ? (big ? 8 : 4) : width;
        switch (width)
        {
            case 2: Put16(b, checked((ushort)value), little); break;
            case 4:
                if (little) BinaryPrimitives.WriteUInt32LittleEndian(b, checked((uint)value));
                else BinaryPrimitives.WriteUInt32BigEndian(b, checked((uint)value));
                break;
            default:
                if (little) BinaryPrimitives.WriteUInt64LittleEndian(b, (ulong)value);
                else BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)value);
                break;
        }
    }
}
