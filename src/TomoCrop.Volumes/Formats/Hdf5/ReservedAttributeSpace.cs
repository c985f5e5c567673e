using System.Buffers.Binary;
using System.Text;

namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>
/// String attributes that may be set after the voxels started streaming out.
/// PureHDF encodes a dataset's object header (attributes included) when writing begins and never revisits it,
/// so the writer declares one placeholder attribute of <see cref="ReservedBytes"/> bytes under a unique name;
/// on completion that single header message is rewritten in place as one fixed-length UTF-8 string attribute
/// per key, the rest becomes a NIL message (HDF5's standard padding), and the object header checksum is
/// recomputed. The header keeps its size, so nothing else in the file moves.
/// </summary>
internal sealed class ReservedAttributeSpace
{
    /// <summary>Bytes of placeholder data: one header message holds at most 65535 bytes.</summary>
    public const int ReservedBytes = 60_000;

    private const byte AttributeMessageType = 0x0C;
    private const byte NilMessageType = 0x00;

    private readonly Dictionary<string, string> _attributes = new(StringComparer.Ordinal);

    /// <summary>Name of the placeholder attribute the writer declares on the dataset.</summary>
    public string PlaceholderName => "tomocrop_reserved_attribute_space";

    /// <summary>Adds or replaces attributes; refuses (changing nothing) when they would not fit the reserved space.</summary>
    public void Set(string path, IReadOnlyDictionary<string, string> attributes)
    {
        var merged = new Dictionary<string, string>(_attributes, StringComparer.Ordinal);
        foreach (var (key, value) in attributes)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('\0') || key.Contains('/') || key == ".")
            {
                throw new VolumeException(path, $"attribute name '{key}' is not a valid HDF5 attribute name");
            }
            merged[key] = value;
        }
        // Headers of v2 object-header messages are 4 bytes, plus 2 when creation order is tracked.
        var needed = merged.Sum(a => 6 + EncodedAttributeLength(a.Key, a.Value)) + 6;
        if (needed > ReservedBytes)
        {
            throw new VolumeException(path, $"attributes need {needed} bytes, more than the {ReservedBytes} bytes reserved for them");
        }
        _attributes.Clear();
        foreach (var (key, value) in merged)
        {
            _attributes[key] = value;
        }
    }

    /// <summary>Replaces the placeholder on <paramref name="datasetPath"/> in the finished file with the attributes.</summary>
    public void WriteInto(string path, FileStream file, string datasetPath)
    {
        var header = Hdf5ObjectHeaders.FindDataset(path, file, datasetPath);
        var placeholder = Encoding.UTF8.GetBytes(PlaceholderName);
        var target = header.Messages.FirstOrDefault(m => m.Type == AttributeMessageType
            && header.Bytes.AsSpan(m.DataStart, m.DataLength).IndexOf(placeholder) >= 0);
        if (target.Length == 0)
        {
            throw new VolumeException(path, "cannot store attributes: the reserved attribute message is missing");
        }
        EncodeAttributes(header.Bytes.AsSpan(target.Start, target.Length), header.MessageHeaderBytes);
        header.UpdateChecksum();
        Hdf5ObjectHeaders.Write(file, header);
    }

    private void EncodeAttributes(Span<byte> region, int messageHeaderBytes)
    {
        region.Clear();
        var entries = _attributes.ToList();
        var lengths = entries.Select(e => Math.Max(1, Encoding.UTF8.GetByteCount(e.Value))).ToArray();
        var used = entries.Select((e, i) => messageHeaderBytes + AttributeLength(e.Key, lengths[i])).Sum();
        var rest = region.Length - used;
        if (rest > 0 && rest < messageHeaderBytes && entries.Count > 0)
        {
            // Too little room for a NIL message: widen the last string instead (it is NUL-padded).
            lengths[^1] += rest;
            rest = 0;
        }
        var at = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var bodyLength = AttributeLength(entries[i].Key, lengths[i]);
            WriteMessageHeader(region[at..], AttributeMessageType, bodyLength);
            at += messageHeaderBytes;
            WriteStringAttribute(region.Slice(at, bodyLength), entries[i].Key, entries[i].Value, lengths[i]);
            at += bodyLength;
        }
        if (rest > 0)
        {
            WriteMessageHeader(region[at..], NilMessageType, rest - messageHeaderBytes);
        }
    }

    private static int EncodedAttributeLength(string name, string value) =>
        AttributeLength(name, Math.Max(1, Encoding.UTF8.GetByteCount(value)));

    /// <summary>Attribute message version 3: 9 bytes of sizes and flags, the NUL-terminated name, an 8-byte string datatype, a 4-byte scalar dataspace, the value.</summary>
    private static int AttributeLength(string name, int valueLength) => 9 + Encoding.UTF8.GetByteCount(name) + 1 + 8 + 4 + valueLength;

    private static void WriteMessageHeader(Span<byte> target, byte type, int bodyLength)
    {
        target[0] = type;
        BinaryPrimitives.WriteUInt16LittleEndian(target[1..], checked((ushort)bodyLength));
        target[3] = 0; // message flags; creation-order bytes (if any) stay zero
    }

    private static void WriteStringAttribute(Span<byte> body, string name, string value, int valueLength)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        body[0] = 3; // version
        body[1] = 0; // flags: datatype and dataspace not shared
        BinaryPrimitives.WriteUInt16LittleEndian(body[2..], (ushort)(nameBytes.Length + 1));
        BinaryPrimitives.WriteUInt16LittleEndian(body[4..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(body[6..], 4);
        body[8] = 1; // name is UTF-8
        var at = 9;
        nameBytes.CopyTo(body[at..]);
        at += nameBytes.Length + 1;
        // Datatype: version 1, class 3 (string); NUL-padded, UTF-8; size = the string's byte length.
        body[at] = 0x13;
        body[at + 1] = 0x11;
        body[at + 2] = 0;
        body[at + 3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(body[(at + 4)..], (uint)valueLength);
        at += 8;
        // Dataspace: version 2, rank 0, no flags, scalar.
        body[at] = 2;
        body[at + 1] = 0;
        body[at + 2] = 0;
        body[at + 3] = 0;
        at += 4;
        Encoding.UTF8.GetBytes(value, body[at..]);
    }
}
