using System.Text.Json;
using System.Text.Json.Serialization;

namespace TomoCrop.Phantoms;

/// <summary>The list of generated cases with their ground truth: <c>{"cases": [...]}</c>.</summary>
public sealed record PhantomManifest
{
    public const string DefaultFileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [JsonPropertyName("cases")]
    public IReadOnlyList<PhantomCase> Cases { get; init; } = [];

    /// <summary>Reads a manifest; case paths come back absolute (resolved against the manifest's directory).</summary>
    public static PhantomManifest Load(string path)
    {
        PhantomManifest? manifest;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > 64L << 20)
            {
                throw new InvalidDataException($"{path}: manifest larger than 64 MiB");
            }
            using var stream = File.OpenRead(path);
            manifest = JsonSerializer.Deserialize<PhantomManifest>(stream, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a phantom manifest ({e.Message})", e);
        }
        if (manifest is null || manifest.Cases.Any(c => c is null))
        {
            throw new InvalidDataException($"{path}: not a phantom manifest (no cases)");
        }
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        return manifest with
        {
            Cases = manifest.Cases.Select(c => c with { Path = System.IO.Path.GetFullPath(c.Path, directory) }).ToList(),
        };
    }

    /// <summary>Writes the manifest atomically (temp file, fsync, rename); paths under its directory are stored relative.</summary>
    public void Save(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(full)!;
        var portable = this with
        {
            Cases = Cases.Select(c => c with { Path = Relative(c.Path, directory) }).ToList(),
        };
        var temporary = full + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, portable, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, full, overwrite: true);
    }

    private static string Relative(string casePath, string directory)
    {
        var full = System.IO.Path.GetFullPath(casePath, directory);
        var relative = System.IO.Path.GetRelativePath(directory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) ? full : relative;
    }
}
