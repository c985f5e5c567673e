using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TomoCrop.Cropping.Publishing;
using TomoCrop.Volumes;

namespace TomoCrop.Watching;

/// <summary>
/// Walks one watch root and lists its volumes: HDF5 files, single TIFF files, raw files with a sidecar, and TIFF
/// stacks (a directory below the root with at least <see cref="CompletionOptions.MinStackSlices"/> TIFF files whose
/// first file has one page). Skips ignored names, our own temporaries, markers, JSON sidecars and records, the output
/// directory, symbolic links (a link could show a volume twice or lead out of the root) and what Include/Exclude
/// rule out. A rescan is the truth: it must work where file-system events never arrive (NFS).
/// </summary>
public sealed class RootScanner
{
    /// <summary>Infix of the hidden temporaries the publishing stage writes (.NAME.tomocrop-tmp-PID-RANDOM); never a volume, whatever IgnorePatterns say.</summary>
    private const string OwnTemporaryInfix = ".tomocrop-tmp-";

    private static readonly EnumerationOptions ListOneDirectory = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0, // dot names are hidden on Unix; IgnorePatterns decide about them
        ReturnSpecialDirectories = false,
    };

    private readonly WatchRootOptions _root;
    private readonly CompletionOptions _completion;
    private readonly ILogger _logger;
    private readonly string _rootPath;
    private readonly string? _outputInsideRoot;
    private readonly Globs _ignoredNames;
    private readonly Globs _include;
    private readonly Globs _exclude;
    private readonly VolumeFormat? _hint;

    /// <summary>Format verdicts by path, reused while size and mtime stay the same: a rescan opens no file twice.</summary>
    private Dictionary<string, FormatVerdict> _verdicts = new(StringComparer.Ordinal);

    private Dictionary<string, FormatVerdict> _nextVerdicts = new(StringComparer.Ordinal);

    private readonly HashSet<string> _reportedUnreadable = new(StringComparer.Ordinal);

    public RootScanner(WatchRootOptions root, CompletionOptions completion, ILogger? logger = null)
    {
        _root = root;
        _completion = completion;
        _logger = logger ?? NullLogger.Instance;
        _rootPath = WatchRootOptions.Normalize(root.Path);
        var output = string.IsNullOrWhiteSpace(root.Output) ? null : WatchRootOptions.Normalize(root.Output);
        _outputInsideRoot = output is not null && WatchRootOptions.IsSameOrInside(output, _rootPath) ? output : null;
        _ignoredNames = new Globs(completion.IgnorePatterns);
        _include = new Globs(root.EffectiveInclude);
        _exclude = new Globs(root.Exclude);
        _hint = root.FormatHint;
    }

    public string RootPath => _rootPath;

    /// <summary>
    /// The volumes under the root now. Unreadable directories below the root are logged (once until readable again)
    /// and skipped; a root that cannot be listed at all (unmounted, gone) throws <see cref="IOException"/>.
    /// </summary>
    public IReadOnlyList<VolumeCandidate> Scan(CancellationToken ct = default)
    {
        var found = new List<VolumeCandidate>();
        _nextVerdicts.Clear(); // a cancelled scan may have left some
        var directories = new Stack<string>();
        directories.Push(_rootPath);
        while (directories.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var directory = directories.Pop();
            var isRoot = directory == _rootPath;
            List<FileSystemInfo> entries;
            try
            {
                entries = [.. new DirectoryInfo(directory).EnumerateFileSystemInfos("*", ListOneDirectory)];
                if (_reportedUnreadable.Remove(directory))
                {
                    _logger.LogInformation("Watch root {Root}: {Directory} is readable again", _root.Name, directory);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                if (isRoot)
                {
                    throw new IOException($"{directory}: cannot list watch root {_root.Name}: {e.Message}", e);
                }
                if (_reportedUnreadable.Add(directory))
                {
                    _logger.LogWarning("Watch root {Root}: skipping {Directory}, cannot list it: {Error}", _root.Name, directory, e.Message);
                }
                continue;
            }
            var files = new List<FileInfo>();
            var names = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (IsIgnoredName(entry.Name))
                {
                    continue;
                }
                if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    _logger.LogDebug("Watch root {Root}: not following symbolic link {Path}", _root.Name, entry.FullName);
                    continue;
                }
                if (entry is DirectoryInfo)
                {
                    if (_outputInsideRoot is null || !WatchRootOptions.IsSameOrInside(entry.FullName, _outputInsideRoot))
                    {
                        directories.Push(entry.FullName);
                    }
                }
                else if (entry is FileInfo file && !IsMarkerOrRecord(file.Name))
                {
                    files.Add(file);
                }
            }
            // Every file counts as in Fingerprint(path), so the two agree whatever was ignored or skipped here.
            var sliceCount = CountSlices(entries.OfType<FileInfo>().Select(f => f.Name));
            ScanDirectory(directory, isRoot, files, sliceCount, names, found);
        }
        (_verdicts, _nextVerdicts) = (_nextVerdicts, _verdicts);
        _nextVerdicts.Clear();
        found.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return found;
    }

    /// <summary>
    /// The fingerprint of a file or TIFF stack directory, equal to the one <see cref="Scan"/> reports for an unchanged
    /// volume whatever the ignore patterns: slices counted are the .tif/.tiff files whose name does not start with a dot.
    /// </summary>
    public static SourceFingerprint Fingerprint(string path) =>
        Directory.Exists(path)
            ? Fingerprint(path, CountSlices(Directory.EnumerateFiles(path).Select(f => System.IO.Path.GetFileName(f))))
            : Fingerprint(path, 1);

    private static int CountSlices(IEnumerable<string> fileNames) => fileNames.Count(n => IsTiffName(n) && !n.StartsWith('.'));

    private static SourceFingerprint Fingerprint(string path, int fileCount) => SourceFingerprint.From(FileIdentity.Of(path), fileCount);

    private void ScanDirectory(string directory, bool isRoot, List<FileInfo> files, int sliceCount, HashSet<string> names, List<VolumeCandidate> found)
    {
        var tiffs = _hint is null or VolumeFormat.TiffStack ? files.Where(f => IsTiffName(f.Name)).ToList() : [];
        var isStack = !isRoot && tiffs.Count >= _completion.MinStackSlices
            && (_hint == VolumeFormat.TiffStack || !FirstSliceHasSeveralPages(tiffs));
        if (isStack)
        {
            Add(found, directory, VolumeFormat.TiffStack, sliceCount);
        }
        if (_hint == VolumeFormat.TiffStack)
        {
            return;
        }
        foreach (var file in files)
        {
            if (isStack && IsTiffName(file.Name))
            {
                continue;
            }
            if ((_hint ?? DetectFormat(file, HasRawSidecar(file.Name, names))) is { } format)
            {
                Add(found, file.FullName, format, 1);
            }
        }
    }

    private void Add(List<VolumeCandidate> found, string path, VolumeFormat format, int fileCount)
    {
        var relative = System.IO.Path.GetRelativePath(_rootPath, path).Replace('\\', '/');
        if (!_include.Matches(relative) || _exclude.Matches(relative))
        {
            return;
        }
        SourceFingerprint fingerprint;
        try
        {
            fingerprint = Fingerprint(path, fileCount);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug("Watch root {Root}: {Path} vanished or cannot be read during the scan: {Error}", _root.Name, path, e.Message);
            return;
        }
        found.Add(new VolumeCandidate(_root.Name, path, relative, format, fingerprint, _root.Dataset));
    }

    private bool IsIgnoredName(string name) =>
        name.Contains(OwnTemporaryInfix, StringComparison.Ordinal) || _ignoredNames.Matches(name);

    /// <summary>Markers (NAME.done), and JSON files: raw sidecars and our crop records; no volume is JSON.</summary>
    private bool IsMarkerOrRecord(string name) =>
        (!string.IsNullOrEmpty(_completion.MarkerSuffix) && name.EndsWith(_completion.MarkerSuffix, StringComparison.Ordinal))
        || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The raw reader's sidecar names: NAME.json appended, or the extension replaced by .json.</summary>
    private static bool HasRawSidecar(string name, HashSet<string> namesInDirectory) =>
        namesInDirectory.Contains(name + ".json")
        || (System.IO.Path.ChangeExtension(name, ".json") is var replaced && replaced != name && namesInDirectory.Contains(replaced));

    private static bool IsTiffName(string name) =>
        name.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// What <see cref="VolumeIO.Detect"/> says (magic bytes, sidecar, extension), or null for a file that is no volume
    /// (yet: a file too short for its magic bytes is asked again when it grows).
    /// </summary>
    private VolumeFormat? DetectFormat(FileInfo file, bool hasSidecar) =>
        Verdict(hasSidecar ? "format+sidecar:" : "format:", file, () =>
        {
            try
            {
                return VolumeIO.Detect(file.FullName);
            }
            catch (VolumeException e)
            {
                _logger.LogDebug("Watch root {Root}: {Path} is not a volume: {Problem}", _root.Name, file.FullName, e.Problem);
                // Could not open it now (a writer's lock, permissions being fixed): not a verdict on the file, ask
                // again at the next scan even if its size and mtime stay as they are.
                _inconclusive = e.InnerException is IOException or UnauthorizedAccessException;
                return null;
            }
        });

    /// <summary>
    /// A directory of multi-page TIFF files holds several volumes, not one stack: any of its TIFFs tells, the first by
    /// name is asked. One that cannot be read yet (still being written) counts as a slice.
    /// </summary>
    private bool FirstSliceHasSeveralPages(List<FileInfo> tiffs)
    {
        var first = tiffs.MinBy(f => f.Name, StringComparer.Ordinal)!;
        var verdict = Verdict("pages:", first, () =>
        {
            try
            {
                using var reader = VolumeIO.Open(first.FullName, new VolumeOpenOptions { Format = VolumeFormat.MultiPageTiff });
                return reader.Info.Shape.Z > 1 ? VolumeFormat.MultiPageTiff : VolumeFormat.TiffStack;
            }
            catch (VolumeException)
            {
                return VolumeFormat.TiffStack;
            }
        });
        return verdict == VolumeFormat.MultiPageTiff;
    }

    private VolumeFormat? Verdict(string question, FileInfo file, Func<VolumeFormat?> decide)
    {
        var key = question + file.FullName;
        FormatVerdict unchanged;
        try
        {
            unchanged = new FormatVerdict(file.Length, file.LastWriteTimeUtc, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // vanished since the directory was listed
        }
        if (!_verdicts.TryGetValue(key, out var verdict) || verdict with { Format = null } != unchanged)
        {
            _inconclusive = false;
            verdict = unchanged with { Format = decide() };
            if (_inconclusive)
            {
                return verdict.Format;
            }
        }
        _nextVerdicts[key] = verdict;
        return verdict.Format;
    }

    /// <summary>Set by a decision that could not look at the file; such an answer is not remembered.</summary>
    private bool _inconclusive;

    private readonly record struct FormatVerdict(long Length, DateTime ModifiedUtc, VolumeFormat? Format);
}
