using TomoCrop.Cropping.Publishing;
using TomoCrop.Volumes;

namespace TomoCrop.Watching;

/// <summary>
/// What says a volume did not change: device, inode, size and mtime as <see cref="FileIdentity"/> has them (for a TIFF
/// stack directory: all its files' sizes summed and the newest mtime of the directory and its files), and the number
/// of files (1 for a file, the TIFF slices for a stack).
/// </summary>
public readonly record struct SourceFingerprint(ulong Device, ulong Inode, long SizeBytes, DateTime ModifiedUtc, int FileCount)
{
    /// <summary>The fingerprint of <paramref name="identity"/> holding <paramref name="fileCount"/> files.</summary>
    public static SourceFingerprint From(FileIdentity identity, int fileCount) =>
        new(identity.Device, identity.Inode, identity.SizeBytes, identity.ModifiedUtc, fileCount);

    /// <summary>True when <paramref name="identity"/> (taken later, e.g. around processing) shows the same source.</summary>
    public bool SameSourceAs(FileIdentity identity) =>
        Device == identity.Device && Inode == identity.Inode && SizeBytes == identity.SizeBytes && ModifiedUtc == identity.ModifiedUtc;

    public override string ToString() =>
        $"dev {Device:x} inode {Inode} {SizeBytes} bytes in {FileCount} file(s), modified {ModifiedUtc:yyyy-MM-ddTHH:mm:ss.fffZ}";
}

/// <summary>A volume found under a watch root: its full path, its path relative to the root ('/'-separated), format and fingerprint.</summary>
public sealed record VolumeCandidate(
    string RootName,
    string Path,
    string RelativePath,
    VolumeFormat Format,
    SourceFingerprint Fingerprint,
    string? DatasetPath = null);

/// <summary>Outcome of a completeness check; <paramref name="Reason"/> says what is missing when not complete.</summary>
public readonly record struct ProbeResult(bool Complete, string? Reason)
{
    public static ProbeResult Passed { get; } = new(true, null);

    public static ProbeResult Incomplete(string reason) => new(false, reason);
}
