namespace TomoCrop.Watching;

/// <summary>
/// When a volume counts as completely written (configuration section <c>Completion</c>), and which names are
/// never volumes.
/// </summary>
public sealed class CompletionOptions
{
    /// <summary>
    /// Seconds the fingerprint (size, mtime, inode, slice count) must stay unchanged. Longer than the NFS attribute
    /// cache (60 s by default), or a remote writer's progress is invisible for that long.
    /// </summary>
    public double QuietSeconds { get; set; } = 60;

    /// <summary>
    /// A file PATH + suffix (scan.h5.done; for a TIFF stack directory DIR the sibling DIR.done) marks the volume
    /// complete without waiting for the quiet period; it counts only if not older than the volume's last change.
    /// </summary>
    public string MarkerSuffix { get; set; } = ".done";

    /// <summary>Only the marker says complete; the quiet period alone never does.</summary>
    public bool RequireMarker { get; set; }

    /// <summary>Globs on a file or directory name (not its path); matching names are skipped, directories with all they hold.</summary>
    public string[] IgnorePatterns { get; set; } = [".*", "*.part", "*.tmp", "*.crdownload"];

    /// <summary>Seconds between full rescans, the truth behind the file-system events (which NFS never delivers).</summary>
    public double RescanSeconds { get; set; } = 30;

    /// <summary>A directory holding at least this many TIFF files is one TIFF-stack volume.</summary>
    public int MinStackSlices { get; set; } = 2;

    /// <summary>
    /// A volume settled this long (seconds) whose completeness check still fails is handed on anyway, so processing
    /// quarantines it with the reason instead of it waiting unseen forever; 0 = never.
    /// </summary>
    public double ProbeGiveUpSeconds { get; set; } = 3600;

    public TimeSpan QuietPeriod => TimeSpan.FromSeconds(QuietSeconds);

    public TimeSpan RescanInterval => TimeSpan.FromSeconds(RescanSeconds);

    /// <summary>Problems as "Key: problem" lines, keys under <paramref name="section"/>; empty when valid.</summary>
    public IReadOnlyList<string> Validate(string section = "Completion")
    {
        var problems = new List<string>();
        CheckSeconds(problems, $"{section}:QuietSeconds", QuietSeconds, allowZero: true);
        CheckSeconds(problems, $"{section}:RescanSeconds", RescanSeconds, allowZero: false);
        CheckSeconds(problems, $"{section}:ProbeGiveUpSeconds", ProbeGiveUpSeconds, allowZero: true);
        if (string.IsNullOrEmpty(MarkerSuffix))
        {
            if (RequireMarker)
            {
                problems.Add($"{section}:MarkerSuffix: is empty but {section}:RequireMarker is true; no volume could ever complete");
            }
        }
        else if (MarkerSuffix.Contains('/') || MarkerSuffix.Contains('\0'))
        {
            problems.Add($"{section}:MarkerSuffix: '{MarkerSuffix}' must be a file-name suffix (no '/')");
        }
        if (IgnorePatterns is null)
        {
            problems.Add($"{section}:IgnorePatterns: is null");
        }
        else
        {
            for (var i = 0; i < IgnorePatterns.Length; i++)
            {
                if (string.IsNullOrWhiteSpace(IgnorePatterns[i]))
                {
                    problems.Add($"{section}:IgnorePatterns:{i}: is an empty glob");
                }
                else if (IgnorePatterns[i].Contains('/'))
                {
                    problems.Add($"{section}:IgnorePatterns:{i}: '{IgnorePatterns[i]}' is matched against a name and cannot hold '/'; use Watch:Roots:N:Exclude for paths");
                }
            }
        }
        if (MinStackSlices < 1)
        {
            problems.Add($"{section}:MinStackSlices: {MinStackSlices} must be at least 1");
        }
        return problems;
    }

    private static void CheckSeconds(List<string> problems, string key, double value, bool allowZero)
    {
        if (!double.IsFinite(value) || value < 0 || (!allowZero && value == 0) || value > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            problems.Add($"{key}: {value} must be a {(allowZero ? "non-negative" : "positive")} number of seconds");
        }
    }
}
