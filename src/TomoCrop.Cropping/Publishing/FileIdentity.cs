namespace TomoCrop.Cropping.Publishing;

/// <summary>
/// (device, inode, size, mtime) of a file, or of a TIFF stack directory (summed slice sizes, newest mtime).
/// Equal identities before and after a read mean nobody wrote the source meanwhile.
/// </summary>
public sealed record FileIdentity(ulong Device, ulong Inode, long SizeBytes, DateTime ModifiedUtc)
{
    public static FileIdentity Of(string path)
    {
        if (!Posix.TryStat(path, out var stat))
        {
            throw new IOException($"{path}: cannot stat");
        }
        var device = ((ulong)stat.DevMajor << 32) | stat.DevMinor;
        var modified = FromStatx(stat.ModifyTime);
        long size = (long)stat.Size;
        if (Directory.Exists(path))
        {
            size = 0;
            foreach (var entry in new DirectoryInfo(path).EnumerateFiles())
            {
                size += entry.Length;
                if (entry.LastWriteTimeUtc > modified)
                {
                    modified = entry.LastWriteTimeUtc;
                }
            }
        }
        return new FileIdentity(device, stat.Inode, size, modified);
    }

    private static DateTime FromStatx(Posix.StatxTime time) =>
        DateTime.UnixEpoch.AddSeconds(time.Seconds).AddTicks(time.Nanoseconds / 100);
}
