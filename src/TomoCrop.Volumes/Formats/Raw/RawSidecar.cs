using System.Text.Json;
using System.Text.Json.Nodes;

namespace TomoCrop.Volumes.Formats.Raw;

/// <summary>
/// The JSON beside a raw volume: <c>{"shape": [z, y, x], "dtype": "uint16", "byte_order": "little"}</c>,
/// optionally <c>"offset"</c> (header bytes to skip) and <c>"attributes"</c> (provenance).
/// </summary>
internal sealed record RawSidecar(VolumeShape Shape, VoxelType VoxelType, ByteOrder ByteOrder, long Offset)
{
    private const long MaxSidecarBytes = 1 << 20;

    /// <summary>NAME.raw.json (the data file's name + .json) first, then NAME.json (extension replaced).</summary>
    public static string? Find(string dataPath)
    {
        var appended = dataPath + ".json";
        if (File.Exists(appended))
        {
            return appended;
        }
        var replaced = Path.ChangeExtension(dataPath, ".json");
        return replaced != dataPath && File.Exists(replaced) ? replaced : null;
    }

    public static RawSidecar Load(string sidecarPath, IoLimits limits)
    {
        var length = new FileInfo(sidecarPath).Length;
        if (length > Math.Min(MaxSidecarBytes, limits.MaxMetadataBytes))
        {
            throw new VolumeException(sidecarPath, $"sidecar is {length} bytes, larger than any sane sidecar");
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(sidecarPath));
        }
        catch (JsonException e)
        {
            throw new VolumeException(sidecarPath, $"sidecar is not valid JSON: {e.Message}", e);
        }
        if (root is not JsonObject obj)
        {
            throw new VolumeException(sidecarPath, "sidecar must be a JSON object");
        }
        if (obj["shape"] is not JsonArray shapeArray || shapeArray.Count != 3)
        {
            throw new VolumeException(sidecarPath, "sidecar \"shape\" must be [z, y, x]");
        }
        var dims = new int[3];
        for (var i = 0; i < 3; i++)
        {
            if (shapeArray[i] is not JsonValue v || !v.TryGetValue<long>(out var d) || d < 1 || d > int.MaxValue)
            {
                throw new VolumeException(sidecarPath, $"sidecar shape[{i}] must be a positive integer below 2^31");
            }
            dims[i] = (int)d;
        }
        var dtypeText = (obj["dtype"] as JsonValue)?.GetValue<string>();
        if (dtypeText is null || !VoxelTypeExtensions.TryParseNumpy(dtypeText, out var type, out var prefixOrder))
        {
            throw new VolumeException(sidecarPath, $"sidecar dtype '{dtypeText}' is not supported (uint8, int8, uint16, int16, uint32, int32, float32, float64)");
        }
        var order = prefixOrder ?? ByteOrder.Little;
        if (obj["byte_order"] is JsonValue orderValue)
        {
            order = orderValue.GetValue<string>().ToLowerInvariant() switch
            {
                "little" or "<" or "le" => ByteOrder.Little,
                "big" or ">" or "be" => ByteOrder.Big,
                var other => throw new VolumeException(sidecarPath, $"sidecar byte_order '{other}' must be little or big"),
            };
        }
        long offset = 0;
        if (obj["offset"] is JsonValue offsetValue && (!offsetValue.TryGetValue(out offset) || offset < 0))
        {
            throw new VolumeException(sidecarPath, "sidecar offset must be a non-negative integer");
        }
        return new RawSidecar(new VolumeShape(dims[0], dims[1], dims[2]), type, order, offset);
    }

    public static void Write(string sidecarPath, VolumeShape shape, VoxelType type, ByteOrder order, IReadOnlyDictionary<string, string> attributes)
    {
        var obj = new JsonObject
        {
            ["shape"] = new JsonArray(shape.Z, shape.Y, shape.X),
            ["dtype"] = type.NumpyName(),
            ["byte_order"] = order == ByteOrder.Little ? "little" : "big",
        };
        if (attributes.Count > 0)
        {
            var attrs = new JsonObject();
            foreach (var (key, value) in attributes)
            {
                attrs[key] = value;
            }
            obj["attributes"] = attrs;
        }
        using var stream = new FileStream(sidecarPath, FileMode.CreateNew, FileAccess.Write);
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            obj.WriteTo(writer);
        }
        stream.Flush(flushToDisk: true);
    }
}
