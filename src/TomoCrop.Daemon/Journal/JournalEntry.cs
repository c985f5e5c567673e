using System.Text.Json.Serialization;

namespace TomoCrop.Daemon.Journal;

/// <summary>The stages a volume moves through. Terminal stages end its processing for that version of the file.</summary>
public enum JournalStage
{
    Detected,
    Localized,
    Cropping,
    Cropped,
    Verified,
    Published,
    Skipped,
    Quarantined,

    /// <summary>The source changed while it was processed: it is still being written; detection starts over.</summary>
    Deferred,

    /// <summary>Processing was interrupted (shutdown); the next start resumes it.</summary>
    Abandoned,
    OriginalDeleted,
}

/// <summary>One line of the journal: a volume (by source path and file version) reaching a stage.</summary>
public sealed record JournalEntry
{
    [JsonPropertyName("time_utc")] public required DateTime TimeUtc { get; init; }
    [JsonPropertyName("source")] public required string SourcePath { get; init; }
    [JsonPropertyName("stage")] public required JournalStage Stage { get; init; }
    [JsonPropertyName("root")] public string? Root { get; init; }
    [JsonPropertyName("format")] public string? Format { get; init; }
    [JsonPropertyName("version")] public SourceVersion? Version { get; init; }
    [JsonPropertyName("output")] public string? OutputPath { get; init; }
    [JsonPropertyName("box_zyx")] public int[][]? BoxZyx { get; init; }
    [JsonPropertyName("confidence")] public double[]? Confidence { get; init; }
    [JsonPropertyName("method")] public string? Method { get; init; }
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("xxhash128")] public string? Hash { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    [JsonIgnore]
    public bool IsTerminal => Stage is JournalStage.Published or JournalStage.Skipped or JournalStage.Quarantined or JournalStage.OriginalDeleted;
}

/// <summary>(device, inode, size, mtime, file count) of a source: equal versions mean the same bytes were there.</summary>
public sealed record SourceVersion(
    [property: JsonPropertyName("device")] ulong Device,
    [property: JsonPropertyName("inode")] ulong Inode,
    [property: JsonPropertyName("size")] long SizeBytes,
    [property: JsonPropertyName("mtime_utc")] DateTime ModifiedUtc,
    [property: JsonPropertyName("files")] int FileCount);
