using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace TomoCrop.Models;

/// <summary>Everything needed to rebuild, trust and reproduce a trained model; the JSON beside the weights.</summary>
public sealed record CheckpointMetadata
{
    /// <summary>Kept for every pretext: the file layout is the same, and older readers must still open rotation models.</summary>
    public const string CurrentFormat = "tomocrop-rotation-model/1";

    [JsonPropertyName("format")] public string Format { get; init; } = CurrentFormat;

    /// <summary>Which self-supervised task trained it (<see cref="Pretexts"/>); files written before the field existed are rotation models.</summary>
    [JsonPropertyName("pretext")] public string Pretext { get; init; } = Pretexts.Rotation;
    [JsonPropertyName("architecture")] public string Architecture { get; init; } = NetworkArchitecture.Compact.Name;
    [JsonPropertyName("preprocessing")] public PairPreprocessing Preprocessing { get; init; } = new();
    [JsonPropertyName("weights_file")] public string WeightsFile { get; init; } = "";
    [JsonPropertyName("weights_sha256")] public string WeightsSha256 { get; init; } = "";
    [JsonPropertyName("optimizer_file")] public string? OptimizerFile { get; init; }
    [JsonPropertyName("training_data_digest")] public string TrainingDataDigest { get; init; } = "";
    [JsonPropertyName("training_volumes")] public int TrainingVolumes { get; init; }
    [JsonPropertyName("seed")] public int Seed { get; init; }
    [JsonPropertyName("steps")] public long Steps { get; init; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; }
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; }
    [JsonPropertyName("metrics")] public Dictionary<string, double> Metrics { get; init; } = [];
    [JsonPropertyName("command")] public string? Command { get; init; }
    [JsonPropertyName("created_utc")] public DateTime CreatedUtc { get; init; } = DateTime.UtcNow;
}

/// <summary>A loaded model: network in eval mode on its device, metadata, verified weights digest.</summary>
public sealed class LoadedModel : IDisposable
{
    internal LoadedModel(ResNet network, CheckpointMetadata metadata, torch.Device device, string metadataPath)
    {
        Network = network;
        Metadata = metadata;
        Device = device;
        MetadataPath = metadataPath;
    }

    public ResNet Network { get; }
    public CheckpointMetadata Metadata { get; }
    public torch.Device Device { get; }
    public string MetadataPath { get; }
    public string WeightsSha256 => Metadata.WeightsSha256;

    public void Dispose() => Network.Dispose();
}

/// <summary>
/// Checkpoint files: NAME.weights (TorchSharp state dict), NAME.json (metadata incl. the weights' sha256),
/// optionally NAME.optimizer (Adam state, for resuming). The digest is checked on every load.
/// </summary>
public static class Checkpoint
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Writes weights (and optimizer state) then metadata, each through a temp file + rename.</summary>
    public static CheckpointMetadata Save(ResNet network, string metadataPath, CheckpointMetadata metadata, TorchSharp.Modules.OptimizerHelper? optimizer = null)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(metadataPath))!;
        Directory.CreateDirectory(directory);
        var stem = Path.GetFileNameWithoutExtension(metadataPath);
        var weightsName = stem + ".weights";
        var weightsPath = Path.Combine(directory, weightsName);
        var temp = weightsPath + ".tmp";
        network.save(temp);
        File.Move(temp, weightsPath, overwrite: true);
        string? optimizerName = null;
        if (optimizer is not null)
        {
            optimizerName = stem + ".optimizer";
            var optimizerTemp = Path.Combine(directory, optimizerName + ".tmp");
            optimizer.save_state_dict(optimizerTemp);
            File.Move(optimizerTemp, Path.Combine(directory, optimizerName), overwrite: true);
        }
        var final = metadata with
        {
            Architecture = network.Architecture.Name,
            WeightsFile = weightsName,
            WeightsSha256 = Sha256(weightsPath),
            OptimizerFile = optimizerName,
        };
        var metadataTemp = metadataPath + ".tmp";
        File.WriteAllText(metadataTemp, JsonSerializer.Serialize(final, Json));
        File.Move(metadataTemp, metadataPath, overwrite: true);
        return final;
    }

    public static CheckpointMetadata ReadMetadata(string metadataPath)
    {
        if (!File.Exists(metadataPath))
        {
            throw new ModelException(metadataPath, "no such model metadata file");
        }
        var info = new FileInfo(metadataPath);
        if (info.Length > 1 << 20)
        {
            throw new ModelException(metadataPath, $"model metadata is {info.Length} bytes; refusing more than 1 MiB");
        }
        CheckpointMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize<CheckpointMetadata>(File.ReadAllText(metadataPath));
        }
        catch (JsonException e)
        {
            throw new ModelException(metadataPath, $"model metadata is not valid JSON: {e.Message}");
        }
        if (metadata is null || metadata.Format != CheckpointMetadata.CurrentFormat)
        {
            throw new ModelException(metadataPath, $"not a {CheckpointMetadata.CurrentFormat} metadata file");
        }
        if (!Pretexts.All.Contains(metadata.Pretext))
        {
            throw new ModelException(metadataPath, $"pretext '{metadata.Pretext}' is not one of {string.Join(", ", Pretexts.All)}");
        }
        if (string.IsNullOrEmpty(metadata.WeightsFile) || metadata.WeightsFile.Contains('/') || metadata.WeightsFile.Contains('\\'))
        {
            throw new ModelException(metadataPath, "weights_file must name a file beside the metadata");
        }
        return metadata;
    }

    /// <summary>Builds the network, verifies the weights' sha256 against the metadata, loads them, moves to device, eval mode.</summary>
    public static LoadedModel Load(string metadataPath, torch.Device device)
    {
        var metadata = ReadMetadata(metadataPath);
        var weightsPath = WeightsPath(metadataPath, metadata);
        if (!File.Exists(weightsPath))
        {
            throw new ModelException(weightsPath, "model weights file is missing");
        }
        var actual = Sha256(weightsPath);
        if (!string.Equals(actual, metadata.WeightsSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelException(weightsPath,
                $"sha256 {actual} does not match {metadata.WeightsSha256} recorded in {Path.GetFileName(metadataPath)}; the model file is corrupt or was replaced");
        }
        NetworkArchitecture architecture;
        try
        {
            architecture = NetworkArchitecture.FromName(metadata.Architecture);
            metadata.Preprocessing.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelException(metadataPath, e.Message);
        }
        var network = new ResNet(architecture, Pretexts.HeadOutputs(metadata.Pretext, metadata.Preprocessing));
        try
        {
            network.load(weightsPath);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or EndOfStreamException)
        {
            network.Dispose();
            throw new ModelException(weightsPath, $"weights do not fit architecture {architecture.Name}: {e.Message}");
        }
        network.to(device);
        network.eval();
        return new LoadedModel(network, metadata, device, Path.GetFullPath(metadataPath));
    }

    public static string WeightsPath(string metadataPath, CheckpointMetadata metadata) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(metadataPath))!, metadata.WeightsFile);

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>A model file that cannot be used; the message names the file and the problem on one line.</summary>
public sealed class ModelException(string path, string problem)
    : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;
}
