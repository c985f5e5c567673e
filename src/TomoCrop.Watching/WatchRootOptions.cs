using TomoCrop.Volumes;

namespace TomoCrop.Watching;

/// <summary>
/// One watched directory (configuration section <c>Watch:Roots:N</c>): where reconstructions appear, where their
/// crops go, which files count, and optional format and dataset hints.
/// </summary>
public sealed class WatchRootOptions
{
    /// <summary>Short name used in logs, the journal and the savings records.</summary>
    public string Name { get; set; } = "";

    /// <summary>Absolute path of the directory to watch (walked recursively).</summary>
    public string Path { get; set; } = "";

    /// <summary>Absolute path of the output root; when it lies inside <see cref="Path"/> it is never scanned.</summary>
    public string Output { get; set; } = "";

    /// <summary>
    /// Globs on the volume's path relative to the root ('/'-separated); a volume must match one. Empty = everything
    /// ("**/*"). Empty by default because configuration binding appends to an array's defaults instead of replacing them.
    /// </summary>
    public string[] Include { get; set; } = [];

    /// <summary>What <see cref="Include"/> means: everything when it is empty.</summary>
    public IReadOnlyList<string> EffectiveInclude => Include.Length == 0 ? ["**/*"] : Include;

    /// <summary>Globs on the relative path; a volume matching any is skipped.</summary>
    public string[] Exclude { get; set; } = [];

    /// <summary>hdf5 | tiff-stack | tiff | raw: every file (or, for tiff-stack, every slice directory) is taken as this format; null = detect.</summary>
    public string? Format { get; set; }

    /// <summary>HDF5 dataset path; null = the reader's default (/exchange/data, /entry/data/data, the only 3-D dataset).</summary>
    public string? Dataset { get; set; }

    /// <summary>The parsed <see cref="Format"/>; null when detection is wanted. Call after <see cref="Validate"/> passed.</summary>
    public VolumeFormat? FormatHint =>
        string.IsNullOrWhiteSpace(Format) ? null
        : VolumeFormatNames.TryParse(Format, out var format) ? format
        : throw new InvalidOperationException($"format hint '{Format}' is not valid; validate the options first");

    /// <summary>Problems as "Key: problem" lines, keys under <paramref name="section"/> (e.g. Watch:Roots:0); empty when valid.</summary>
    public IReadOnlyList<string> Validate(string section)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            problems.Add($"{section}:Name: is empty; give the root a short name");
        }
        CheckAbsolute(problems, $"{section}:Path", Path);
        if (System.IO.Path.IsPathFullyQualified(Path) && !Directory.Exists(Path))
        {
            problems.Add($"{section}:Path: {Path} does not exist or is not a directory");
        }
        CheckAbsolute(problems, $"{section}:Output", Output);
        if (System.IO.Path.IsPathFullyQualified(Output) && File.Exists(Output))
        {
            problems.Add($"{section}:Output: {Output} is a file, not a directory");
        }
        if (System.IO.Path.IsPathFullyQualified(Path) && System.IO.Path.IsPathFullyQualified(Output)
            && PathsEqual(Path, Output))
        {
            problems.Add($"{section}:Output: is the watched directory itself; crops would be taken for new volumes");
        }
        CheckGlobs(problems, $"{section}:Include", Include, mustHaveOne: false);
        CheckGlobs(problems, $"{section}:Exclude", Exclude, mustHaveOne: false);
        if (!string.IsNullOrWhiteSpace(Format) && !VolumeFormatNames.TryParse(Format, out _))
        {
            problems.Add($"{section}:Format: '{Format}' is not one of hdf5, tiff-stack, tiff, raw (or empty to detect)");
        }
        if (Dataset is not null && !Dataset.StartsWith('/'))
        {
            problems.Add($"{section}:Dataset: '{Dataset}' must be an absolute HDF5 path such as /exchange/data");
        }
        return problems;
    }

    /// <summary>
    /// Validates every root (keys <paramref name="section"/>:N:...) and what only the set can get wrong: duplicate
    /// names, and one root inside another (its volumes would be seen, and cropped, twice).
    /// </summary>
    public static IReadOnlyList<string> ValidateAll(IReadOnlyList<WatchRootOptions> roots, string section = "Watch:Roots")
    {
        var problems = new List<string>();
        if (roots.Count == 0)
        {
            problems.Add($"{section}: no watch root is configured");
        }
        for (var i = 0; i < roots.Count; i++)
        {
            problems.AddRange(roots[i].Validate($"{section}:{i}"));
            for (var j = 0; j < i; j++)
            {
                if (!string.IsNullOrWhiteSpace(roots[i].Name) && string.Equals(roots[i].Name, roots[j].Name, StringComparison.Ordinal))
                {
                    problems.Add($"{section}:{i}:Name: '{roots[i].Name}' is already the name of {section}:{j}");
                }
                if (Overlap(roots[i].Path, roots[j].Path))
                {
                    problems.Add($"{section}:{i}:Path: {roots[i].Path} overlaps {section}:{j}:Path {roots[j].Path}; a volume must belong to one root");
                }
                foreach (var (output, watched) in new[] { (i, j), (j, i) })
                {
                    if (OutputInside(roots[output].Output, roots[watched].Path))
                    {
                        problems.Add($"{section}:{output}:Output: {roots[output].Output} lies inside {section}:{watched}:Path {roots[watched].Path}; its crops would be cropped again");
                    }
                }
            }
        }
        return problems;
    }

    private static void CheckAbsolute(List<string> problems, string key, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add($"{key}: is empty");
        }
        else if (!System.IO.Path.IsPathFullyQualified(path))
        {
            problems.Add($"{key}: '{path}' must be an absolute path");
        }
    }

    private static void CheckGlobs(List<string> problems, string key, string[]? globs, bool mustHaveOne)
    {
        if (globs is null || (mustHaveOne && globs.Length == 0))
        {
            problems.Add(mustHaveOne ? $"{key}: needs at least one glob (\"**/*\" for everything)" : $"{key}: is null");
            return;
        }
        for (var i = 0; i < globs.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(globs[i]))
            {
                problems.Add($"{key}:{i}: is an empty glob");
            }
        }
    }

    internal static string Normalize(string path) =>
        System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));

    private static bool PathsEqual(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.Ordinal);

    /// <summary>True when <paramref name="inner"/> is <paramref name="outer"/> or lies below it.</summary>
    internal static bool IsSameOrInside(string inner, string outer)
    {
        var i = Normalize(inner);
        var o = Normalize(outer);
        return i == o || i.StartsWith(o.EndsWith('/') ? o : o + "/", StringComparison.Ordinal);
    }

    private static bool OutputInside(string output, string watched) =>
        System.IO.Path.IsPathFullyQualified(output) && System.IO.Path.IsPathFullyQualified(watched) && IsSameOrInside(output, watched);

    private static bool Overlap(string a, string b) =>
        System.IO.Path.IsPathFullyQualified(a) && System.IO.Path.IsPathFullyQualified(b)
        && (IsSameOrInside(a, b) || IsSameOrInside(b, a));
}
