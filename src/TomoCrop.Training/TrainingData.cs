using System.Security.Cryptography;
using System.Text.Json;
using TomoCrop.Models;
using TomoCrop.Volumes;

namespace TomoCrop.Training;

/// <summary>Resolves training inputs to volume paths and loads each as a bounded strided subsample.</summary>
public static class TrainingData
{
    private static readonly string[] VolumeExtensions = [".h5", ".hdf5", ".hdf", ".nxs", ".tif", ".tiff", ".raw"];

    /// <summary>Volume paths from files, directories (their volumes, or their manifest.json) and manifests, sorted, distinct.</summary>
    public static IReadOnlyList<string> ResolveInputs(IEnumerable<string> inputs)
    {
        var result = new List<string>();
        foreach (var input in inputs)
        {
            if (input.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.Exists(input))
            {
                result.AddRange(ReadManifest(input));
            }
            else if (Directory.Exists(input) && File.Exists(Path.Combine(input, "manifest.json")))
            {
                result.AddRange(ReadManifest(Path.Combine(input, "manifest.json")));
            }
            else if (Directory.Exists(input) && !IsTiffStack(input))
            {
                result.AddRange(Directory.EnumerateFileSystemEntries(input)
                    .Where(p => Directory.Exists(p) ? IsTiffStack(p) : VolumeExtensions.Contains(Path.GetExtension(p).ToLowerInvariant())));
            }
            else if (File.Exists(input) || Directory.Exists(input))
            {
                result.Add(input);
            }
            else
            {
                throw new VolumeException(input, "no such training input");
            }
        }
        return result.Select(Path.GetFullPath).Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static bool IsTiffStack(string directory) =>
        Directory.EnumerateFiles(directory).Any(f => f.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<string> ReadManifest(string path)
    {
        if (new FileInfo(path).Length > IoLimits.Default.MaxMetadataBytes)
        {
            throw new VolumeException(path, "manifest too large");
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
            return document.RootElement.GetProperty("cases").EnumerateArray()
                .Select(c => Path.Combine(directory, c.GetProperty("path").GetString()
                    ?? throw new VolumeException(path, "a case has no path")))
                .ToList();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new VolumeException(path, $"not a manifest with \"cases\": [{{\"path\": ...}}]: {e.Message}");
        }
    }

    public static VolumeSample Load(string path, int sampleSide)
    {
        using var reader = VolumeIO.Open(path);
        return VolumeSample.Read(reader, sampleSide);
    }

    /// <summary>sha256 over the subsamples actually trained on (content, not names): identifies the training data.</summary>
    public static string Digest(IEnumerable<VolumeSample> samples)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var sample in samples)
        {
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(sample.Data.AsSpan()));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
