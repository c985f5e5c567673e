using TomoCrop.Daemon.Journal;
using TomoCrop.Watching;

namespace TomoCrop.Daemon.Processing;

internal static class SourceVersions
{
    public static SourceVersion From(SourceFingerprint f) => new(f.Device, f.Inode, f.SizeBytes, f.ModifiedUtc, f.FileCount);

    /// <summary>The source's version now, or null when it is gone.</summary>
    public static SourceVersion? Current(string path)
    {
        try
        {
            return From(RootScanner.Fingerprint(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
