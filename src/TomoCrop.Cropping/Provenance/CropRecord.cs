using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TomoCrop.Volumes;

namespace TomoCrop.Cropping.Provenance;

/// <summary>
/// OUTPUT.crop.json: everything needed to trust a crop later — where it came from (path, shape, dtype, and the
/// source's identity at crop time), which box, and the XxHash128 of the box's voxels as read from the source
/// and as read back from the published output.
/// </summary>
public sealed record CropRecord
{
    public const string SchemaName = "tomocrop.crop/1";
    public const string FileSuffix = ".crop.json";

    [JsonPropertyName("schema")] public string Schema { get; init; } = SchemaName;
    [JsonPropertyName("tool_version")] public required string ToolVersion { get; init; }
    [JsonPropertyName("source_path")] public required string SourcePath { get; init; }
    [JsonPropertyName("source_format")] public required string SourceFormat { get; init; }
    [JsonPropertyName("source_dataset")] public string? SourceDataset { get; init; }
    [JsonPropertyName("source_shape_zyx")] public required int[] SourceShapeZyx { get; init; }
    [JsonPropertyName("dtype")] public required string Dtype { get; init; }
    [JsonPropertyName("source_byte_order")] public required string SourceByteOrder { get; init; }
    [JsonPropertyName("source_size_bytes")] public required long SourceSizeBytes { get; init; }
    [JsonPropertyName("source_mtime_utc")] public required DateTime SourceModifiedUtc { get; init; }
    [JsonPropertyName("source_inode")] public required ulong SourceInode { get; init; }
    [JsonPropertyName("source_device")] public required ulong SourceDevice { get; init; }
    [JsonPropertyName("box_zyx")] public required int[][] BoxZyx { get; init; }
    [JsonPropertyName("output_path")] public required string OutputPath { get; init; }
    [JsonPropertyName("output_format")] public required string OutputFormat { get; init; }
    [JsonPropertyName("output_dataset")] public string? OutputDataset { get; init; }
    [JsonPropertyName("output_compression")] public required string OutputCompression { get; init; }
    [JsonPropertyName("box_bytes")] public required long BoxBytes { get; init; }
    [JsonPropertyName("output_size_bytes")] public required long OutputSizeBytes { get; init; }

    /// <summary>Uncompressed box bytes ÷ bytes on disk (1.0 without compression, a little less with headers).</summary>
    [JsonPropertyName("compression_ratio")] public required double CompressionRatio { get; init; }

    /// <summary>1 - output bytes ÷ source bytes.</summary>
    [JsonPropertyName("saved_fraction")] public required double SavedFraction { get; init; }
    [JsonPropertyName("hash_algorithm")] public string HashAlgorithm { get; init; } = "xxhash128 of the box's voxels, C order, little-endian";
    [JsonPropertyName("xxhash128_source")] public required string SourceHash { get; init; }
    [JsonPropertyName("xxhash128_output")] public required string OutputHash { get; init; }
    [JsonPropertyName("verified")] public required bool Verified { get; init; }
    [JsonPropertyName("started_utc")] public required DateTime StartedUtc { get; init; }
    [JsonPropertyName("finished_utc")] public required DateTime FinishedUtc { get; init; }
    [JsonPropertyName("seconds")] public required double Seconds { get; init; }

    /// <summary>The localizer's result when the box was found automatically (method, confidence, model).</summary>
    [JsonPropertyName("localization")] public JsonObject? Localization { get; init; }

    [JsonIgnore]
    public VoxelBox Box => VoxelBox.FromJsonArray(BoxZyx);

    [JsonIgnore]
    public VolumeShape SourceShape => new(SourceShapeZyx[0], SourceShapeZyx[1], SourceShapeZyx[2]);

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static string PathFor(string outputPath) => outputPath.TrimEnd('/') + FileSuffix;

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The flat string form stored as HDF5 attributes / TIFF description / raw sidecar attributes.</summary>
    public static Dictionary<string, string> AttributesFrom(IReadOnlyDictionary<string, object?> values) =>
        values.Where(kv => kv.Value is not null)
              .ToDictionary(kv => "tomocrop_" + kv.Key, kv => kv.Value switch
              {
                  string s => s,
                  DateTime t => t.ToString("O"),
                  IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                  var other => JsonSerializer.Serialize(other),
              });

    public static CropRecord Load(string recordPath)
    {
        var length = new FileInfo(recordPath).Length;
        if (length > 1 << 20)
        {
            throw new VolumeException(recordPath, "crop record is larger than 1 MiB; not a tomocrop record");
        }
        try
        {
            var record = JsonSerializer.Deserialize<CropRecord>(File.ReadAllText(recordPath), Options)
                ?? throw new VolumeException(recordPath, "crop record is empty");
            if (record.Schema != SchemaName)
            {
                throw new VolumeException(recordPath, $"unknown crop record schema '{record.Schema}'");
            }
            return record;
        }
        catch (JsonException e)
        {
            throw new VolumeException(recordPath, $"crop record is not valid: {e.Message}", e);
        }
    }
}
