namespace TomoCrop.Daemon.Options;

/// <summary>
/// Section "FineTuning". What is built so far is the training pool: with <see cref="Enabled"/>, every processed scan
/// leaves a small strided copy under STATE/pool for self-supervised fine-tuning (no labels), bounded in size with the
/// oldest evicted. The scheduled fine-tuning run, its gate and promotion come with issue #5.
/// </summary>
public sealed class FineTuningOptions : IValidatedOptions
{
    public const string Section = "FineTuning";

    public bool Enabled { get; set; }

    /// <summary>Upper bound of the pool on disk; the oldest copies go first.</summary>
    public int PoolMiB { get; set; } = 2048;

    /// <summary>The longest edge of a pool copy, in voxels (every k-th voxel of the scan along each axis).</summary>
    public int PoolEdgeVoxels { get; set; } = 192;

    /// <summary>Globs on the scan's path relative to its root; matching scans never enter the pool.</summary>
    public string[] Exclude { get; set; } = [];

    public IEnumerable<string> Problems(string section)
    {
        if (PoolMiB is < 16 or > 1 << 20)
        {
            yield return $"{section}:PoolMiB: must be within 16–1048576, not {PoolMiB}";
        }
        if (PoolEdgeVoxels is < 32 or > 1024)
        {
            yield return $"{section}:PoolEdgeVoxels: must be within 32–1024, not {PoolEdgeVoxels}";
        }
        for (var i = 0; i < Exclude.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(Exclude[i]))
            {
                yield return $"{section}:Exclude:{i}: is an empty glob";
            }
        }
    }
}
