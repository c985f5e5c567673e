namespace TomoCrop.Daemon.Options;

/// <summary>
/// Section "Originals": kept by default. Deletion happens only after the crop verified, a grace period has passed,
/// and the original is provably the file that was cropped (device, inode, size, mtime unchanged).
/// </summary>
public sealed class OriginalsOptions : IValidatedOptions
{
    public const string Section = "Originals";

    public bool DeleteAfterVerify { get; set; }

    public double GraceHours { get; set; } = 24;

    /// <summary>Log what would be deleted, delete nothing.</summary>
    public bool DryRun { get; set; }

    public double CheckIntervalSeconds { get; set; } = 300;

    public IEnumerable<string> Problems(string section)
    {
        if (double.IsNaN(GraceHours) || GraceHours < 0)
        {
            yield return $"{section}:GraceHours: must be ≥ 0, not {GraceHours}";
        }
        if (double.IsNaN(CheckIntervalSeconds) || CheckIntervalSeconds < 1)
        {
            yield return $"{section}:CheckIntervalSeconds: must be ≥ 1, not {CheckIntervalSeconds}";
        }
    }
}
