using System.Text.Json.Serialization;

namespace TomoCrop.Registry;

/// <summary>One registered model: where it came from, what it was trained on, how it scored, its weights' digest.</summary>
public sealed record ModelVersion
{
    [JsonPropertyName("version")] public required string Version { get; init; }
    [JsonPropertyName("parent")] public string? Parent { get; init; }
    [JsonPropertyName("created_utc")] public required DateTime CreatedUtc { get; init; }

    /// <summary>"shipped", "fine-tune", "import".</summary>
    [JsonPropertyName("source")] public required string Source { get; init; }
    [JsonPropertyName("weights_sha256")] public required string WeightsSha256 { get; init; }
    [JsonPropertyName("training_data_digest")] public string TrainingDataDigest { get; init; } = "";
    [JsonPropertyName("metrics")] public Dictionary<string, double> Metrics { get; init; } = [];
    [JsonPropertyName("note")] public string? Note { get; init; }

    /// <summary>The model's metadata JSON inside the registry (what a localizer loads).</summary>
    [JsonIgnore] public string ModelPath { get; init; } = "";
}

/// <summary>A switch of the current model, kept in the registry's history.</summary>
public sealed record ModelSwitch(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("time_utc")] DateTime TimeUtc,
    [property: JsonPropertyName("reason")] string Reason);
