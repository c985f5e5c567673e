using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Options;

/// <summary>Section "Io": the memory bounds of streaming (a volume is never held whole) and the bandwidth a crop may take.</summary>
public sealed class IoOptions : IValidatedOptions
{
    public const string Section = "Io";

    public int MaxBufferMiB { get; set; } = 128;
    public int MaxSliceMiB { get; set; } = 1024;
    public int Hdf5ChunkCacheMiB { get; set; } = 64;

    /// <summary>Average read rate of a crop and its verification, to leave bandwidth to the acquisition; 0 = unpaced.</summary>
    public int MaxReadMiBPerSecond { get; set; }

    public IoLimits ToLimits() => IoLimits.Default with
    {
        MaxBufferBytes = (long)MaxBufferMiB << 20,
        MaxSliceBytes = (long)MaxSliceMiB << 20,
        Hdf5ChunkCacheBytes = (long)Hdf5ChunkCacheMiB << 20,
        MaxReadBytesPerSecond = (long)MaxReadMiBPerSecond << 20,
    };

    public IEnumerable<string> Problems(string section)
    {
        if (MaxBufferMiB is < 8 or > 65536)
        {
            yield return $"{section}:MaxBufferMiB: must be within 8–65536, not {MaxBufferMiB}";
        }
        if (MaxSliceMiB is < 1 or > 65536)
        {
            yield return $"{section}:MaxSliceMiB: must be within 1–65536, not {MaxSliceMiB}";
        }
        if (Hdf5ChunkCacheMiB is < 1 or > 65536)
        {
            yield return $"{section}:Hdf5ChunkCacheMiB: must be within 1–65536, not {Hdf5ChunkCacheMiB}";
        }
        if (MaxReadMiBPerSecond is < 0 or > 1048576)
        {
            yield return $"{section}:MaxReadMiBPerSecond: must be 0 (unpaced) or up to 1048576, not {MaxReadMiBPerSecond}";
        }
    }
}
