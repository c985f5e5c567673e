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

    public IEnumerable<string> Problems(string section) => OptionRange.Problems(
        OptionRange.Check(section, nameof(MaxBufferMiB), MaxBufferMiB, 8, 65536),
        OptionRange.Check(section, nameof(MaxSliceMiB), MaxSliceMiB, 1, 65536),
        OptionRange.Check(section, nameof(Hdf5ChunkCacheMiB), Hdf5ChunkCacheMiB, 1, 65536),
        OptionRange.Check(section, nameof(MaxReadMiBPerSecond), MaxReadMiBPerSecond, 0, 1 << 20));
}
