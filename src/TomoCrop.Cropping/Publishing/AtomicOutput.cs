namespace TomoCrop.Cropping.Publishing;

/// <summary>
/// Publication under a final name that is all-or-nothing: the data is written under a hidden temporary name in
/// the destination directory, made durable, checked by the caller, then renamed (never replacing anything) and the
/// directory fsynced. Disposing without <see cref="Publish"/> removes the temporaries. A killed process leaves only
/// hidden temporaries, which <see cref="RemoveStaleTemporaries"/> deletes on the next run.
/// </summary>
public sealed class AtomicOutput : IDisposable
{
    private const string Marker = ".tomocrop-tmp-";
    private readonly List<(string Temporary, string Final)> _companions = [];
    private bool _published;

    private AtomicOutput(string finalPath, string temporaryPath)
    {
        FinalPath = finalPath;
        TemporaryPath = temporaryPath;
    }

    public string FinalPath { get; }

    /// <summary>Where to write: same directory as <see cref="FinalPath"/>, hidden, with the same extension.</summary>
    public string TemporaryPath { get; }

    public string Directory => Path.GetDirectoryName(FinalPath)!;

    public static AtomicOutput Begin(string finalPath)
    {
        finalPath = Path.GetFullPath(finalPath.TrimEnd('/'));
        var directory = Path.GetDirectoryName(finalPath)
            ?? throw new IOException($"{finalPath}: has no parent directory");
        if (!System.IO.Directory.Exists(directory))
        {
            throw new IOException($"{directory}: output directory does not exist");
        }
        if (File.Exists(finalPath) || System.IO.Directory.Exists(finalPath))
        {
            throw new IOException($"{finalPath}: already exists; refusing to overwrite");
        }
        RemoveStaleTemporaries(directory);
        var name = Path.GetFileName(finalPath);
        // The extension stays last so format detection by extension still works on the temporary.
        var temporary = Path.Combine(directory,
            $".{Path.GetFileNameWithoutExtension(name)}{Marker}{Environment.ProcessId}-{Random.Shared.Next():x8}{Path.GetExtension(name)}");
        return new AtomicOutput(finalPath, temporary);
    }

    /// <summary>
    /// <see cref="Begin"/> for a volume: also registers the files the format's writer creates beside the data
    /// (a raw volume's TEMP.json sidecar), so they are published or removed together with it.
    /// </summary>
    public static AtomicOutput BeginVolume(string finalPath, TomoCrop.Volumes.VolumeFormat format)
    {
        var output = Begin(finalPath);
        if (format == TomoCrop.Volumes.VolumeFormat.Raw)
        {
            output.AddWriterCompanion(output.TemporaryPath + ".json", output.FinalPath + ".json");
        }
        return output;
    }

    /// <summary>A second file published with the main one (a raw sidecar, the .crop.json record).</summary>
    public string AddCompanion(string finalCompanionPath)
    {
        var temporary = Path.Combine(Directory,
            $".{Path.GetFileName(finalCompanionPath)}{Marker}{Environment.ProcessId}-{Random.Shared.Next():x8}");
        _companions.Add((temporary, finalCompanionPath));
        return temporary;
    }

    /// <summary>A companion a writer creates by itself at a path derived from the temporary (e.g. TEMP.json).</summary>
    public void AddWriterCompanion(string temporaryCompanionPath, string finalCompanionPath) =>
        _companions.Add((temporaryCompanionPath, finalCompanionPath));

    /// <summary>
    /// fsyncs the temporaries, renames each companion and then the main output to their final names (none may
    /// exist), and fsyncs the directory. The main output's rename is the commit point: when it exists under its
    /// final name, so do its companions (a crash in between leaves companions without a volume, which a resuming
    /// daemon recognises as an unfinished publication).
    /// </summary>
    public void Publish()
    {
        foreach (var path in _companions.Select(c => c.Temporary).Prepend(TemporaryPath))
        {
            if (!File.Exists(path) && !System.IO.Directory.Exists(path))
            {
                throw new IOException($"{path}: expected temporary output is missing");
            }
            Posix.FsyncPath(path);
        }
        foreach (var (_, final) in _companions)
        {
            if (File.Exists(final) || System.IO.Directory.Exists(final))
            {
                throw new IOException($"{final}: already exists; refusing to overwrite");
            }
        }
        if (File.Exists(FinalPath) || System.IO.Directory.Exists(FinalPath))
        {
            throw new IOException($"{FinalPath}: already exists; refusing to overwrite");
        }
        foreach (var (temporary, final) in _companions)
        {
            Posix.RenameNoReplace(temporary, final);
        }
        Posix.RenameNoReplace(TemporaryPath, FinalPath);
        _published = true;
        Posix.FsyncDirectory(Directory);
    }

    public void Dispose()
    {
        if (_published)
        {
            return;
        }
        foreach (var path in _companions.Select(c => c.Temporary).Prepend(TemporaryPath))
        {
            Delete(path);
        }
    }

    /// <summary>True for names this class gives its temporaries (the daemon's watcher ignores them).</summary>
    public static bool IsTemporaryName(string fileName) => fileName.StartsWith('.') && fileName.Contains(Marker, StringComparison.Ordinal);

    /// <summary>Deletes temporaries left in <paramref name="directory"/> by processes that no longer run.</summary>
    public static int RemoveStaleTemporaries(string directory)
    {
        var removed = 0;
        foreach (var entry in System.IO.Directory.EnumerateFileSystemEntries(directory, "." + "*" + Marker + "*"))
        {
            var name = Path.GetFileName(entry);
            var idStart = name.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
            var idEnd = name.IndexOf('-', idStart);
            if (idEnd < 0 || !int.TryParse(name.AsSpan(idStart, idEnd - idStart), out var pid))
            {
                continue;
            }
            if (pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }
            Delete(entry);
            removed++;
        }
        return removed;
    }

    private static bool IsRunning(int pid) => System.IO.Directory.Exists($"/proc/{pid}");

    private static void Delete(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path))
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
