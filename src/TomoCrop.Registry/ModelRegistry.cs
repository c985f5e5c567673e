using System.Globalization;
using System.Text.Json;
using TomoCrop.Cropping.Publishing;
using TomoCrop.Models;

namespace TomoCrop.Registry;

/// <summary>
/// The model versions of one site under DIR: <c>vNNNN/model.json</c> (+ .weights, .optimizer) and <c>vNNNN/version.json</c>,
/// and <c>current.json</c> naming the current version with the history of switches. A version directory is written
/// under a hidden name and renamed into place; <c>current.json</c> is replaced atomically. Every switch re-checks the
/// weights' sha256, so a corrupt or replaced file is never made current. Readers in other processes (the daemon) see a
/// switch at their next <see cref="Current"/>.
/// </summary>
public sealed class ModelRegistry(string directory, TimeProvider time)
{
    public const string ModelFileName = "model.json";
    private const string VersionFileName = "version.json";
    private const string CurrentFileName = "current.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public ModelRegistry(string directory)
        : this(directory, TimeProvider.System)
    {
    }

    public string Directory { get; } = Path.GetFullPath(directory);

    public IReadOnlyList<ModelVersion> Versions()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }
        return System.IO.Directory.EnumerateDirectories(Directory, "v*")
            .Select(Path.GetFileName)
            .Where(name => name is { Length: > 1 } && name[1..].All(char.IsAsciiDigit))
            .Order(StringComparer.Ordinal)
            .Select(name => Read(name!))
            .ToList();
    }

    /// <summary>The current version, or null when the registry is empty.</summary>
    public ModelVersion? Current => ReadState().History is { Count: > 0 } history ? Read(history[^1].Version) : null;

    /// <summary>Switches, oldest first (the last one is current).</summary>
    public IReadOnlyList<ModelSwitch> History => ReadState().History;

    /// <summary>Copies a model (metadata JSON, weights, optimizer state) into a new version; the copy's sha256 is checked.</summary>
    public ModelVersion Add(string modelMetadataPath, string source, string? parent = null, IReadOnlyDictionary<string, double>? metrics = null, string? note = null)
    {
        var metadata = Checkpoint.ReadMetadata(modelMetadataPath);
        System.IO.Directory.CreateDirectory(Directory);
        var version = NextVersionName();
        var staging = Path.Combine(Directory, $".{version}.tomocrop-tmp-{Environment.ProcessId}-{Random.Shared.Next():x8}");
        System.IO.Directory.CreateDirectory(staging);
        try
        {
            var weights = Checkpoint.WeightsPath(modelMetadataPath, metadata);
            File.Copy(weights, Path.Combine(staging, "model.weights"));
            string? optimizer = null;
            if (metadata.OptimizerFile is { } optimizerFile && File.Exists(Path.Combine(Path.GetDirectoryName(weights)!, optimizerFile)))
            {
                optimizer = "model.optimizer";
                File.Copy(Path.Combine(Path.GetDirectoryName(weights)!, optimizerFile), Path.Combine(staging, optimizer));
            }
            var copied = metadata with { WeightsFile = "model.weights", OptimizerFile = optimizer };
            File.WriteAllText(Path.Combine(staging, ModelFileName), JsonSerializer.Serialize(copied, Json));
            var actual = Checkpoint.Sha256(Path.Combine(staging, "model.weights"));
            if (!string.Equals(actual, metadata.WeightsSha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelException(weights, $"sha256 {actual} does not match {metadata.WeightsSha256}; not registered");
            }
            var entry = new ModelVersion
            {
                Version = version,
                Parent = parent,
                CreatedUtc = time.GetUtcNow().UtcDateTime,
                Source = source,
                WeightsSha256 = metadata.WeightsSha256,
                TrainingDataDigest = metadata.TrainingDataDigest,
                Metrics = new Dictionary<string, double>(metrics ?? metadata.Metrics),
                Note = note,
            };
            File.WriteAllText(Path.Combine(staging, VersionFileName), JsonSerializer.Serialize(entry, Json));
            foreach (var file in System.IO.Directory.EnumerateFiles(staging))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read);
                stream.Flush(flushToDisk: true);
            }
            System.IO.Directory.Move(staging, Path.Combine(Directory, version));
            return Read(version);
        }
        finally
        {
            if (System.IO.Directory.Exists(staging))
            {
                System.IO.Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Makes <paramref name="version"/> current after checking its weights; the switch is recorded with the reason.</summary>
    public ModelVersion Promote(string version, string reason)
    {
        var target = Read(version);
        Verify(target);
        var state = ReadState();
        WriteState(state with { History = [.. state.History, new ModelSwitch(target.Version, time.GetUtcNow().UtcDateTime, reason)] });
        return target;
    }

    /// <summary>Makes the version that was current before the current one current again (its weights checked).</summary>
    public ModelVersion Rollback(string reason)
    {
        var history = ReadState().History;
        if (history.Count < 2)
        {
            throw new ModelException(Path.Combine(Directory, CurrentFileName), "no earlier model to roll back to");
        }
        var current = history[^1].Version;
        var previous = history.Take(history.Count - 1).Reverse().First(s => s.Version != current).Version;
        return Promote(previous, $"rollback from {current}: {reason}");
    }

    /// <summary>An empty registry starts with the shipped model as its first, current version.</summary>
    public ModelVersion EnsureSeeded(string shippedModelPath)
    {
        if (Current is { } current)
        {
            return current;
        }
        var seeded = Versions().FirstOrDefault(v => v.Source == "shipped") ?? Add(shippedModelPath, "shipped", note: Path.GetFullPath(shippedModelPath));
        return Promote(seeded.Version, "shipped model");
    }

    /// <summary>Loads the weights' digest again; a corrupt or replaced file throws <see cref="ModelException"/>.</summary>
    public static void Verify(ModelVersion version)
    {
        var metadata = Checkpoint.ReadMetadata(version.ModelPath);
        var weights = Checkpoint.WeightsPath(version.ModelPath, metadata);
        if (!File.Exists(weights))
        {
            throw new ModelException(weights, "model weights file is missing");
        }
        var actual = Checkpoint.Sha256(weights);
        if (!string.Equals(actual, version.WeightsSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelException(weights, $"sha256 {actual} is not the registered {version.WeightsSha256}; the file is corrupt or was replaced");
        }
    }

    public ModelVersion Read(string version)
    {
        var path = Path.Combine(Directory, version, VersionFileName);
        if (!File.Exists(path))
        {
            throw new ModelException(path, $"no model version {version} in {Directory}");
        }
        ModelVersion? entry;
        try
        {
            entry = JsonSerializer.Deserialize<ModelVersion>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new ModelException(path, $"unreadable: {e.Message}");
        }
        return (entry ?? throw new ModelException(path, "empty")) with { ModelPath = Path.Combine(Directory, version, ModelFileName) };
    }

    private string NextVersionName()
    {
        var last = Versions().Select(v => int.Parse(v.Version[1..], CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
        return $"v{last + 1:D4}";
    }

    private sealed record RegistryState
    {
        [System.Text.Json.Serialization.JsonPropertyName("history")]
        public List<ModelSwitch> History { get; init; } = [];
    }

    private RegistryState ReadState()
    {
        var path = Path.Combine(Directory, CurrentFileName);
        if (!File.Exists(path))
        {
            return new RegistryState();
        }
        try
        {
            return JsonSerializer.Deserialize<RegistryState>(File.ReadAllText(path)) ?? new RegistryState();
        }
        catch (JsonException e)
        {
            throw new ModelException(path, $"unreadable: {e.Message}");
        }
    }

    private void WriteState(RegistryState state)
    {
        System.IO.Directory.CreateDirectory(Directory);
        DurableFile.Replace(Path.Combine(Directory, CurrentFileName), JsonSerializer.SerializeToUtf8Bytes(state, Json));
    }
}
