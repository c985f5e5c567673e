using System.Runtime.InteropServices;

namespace TomoCrop.Cropping.Publishing;

/// <summary>The few POSIX calls .NET does not expose: directory fsync, no-replace rename, cache eviction, statx.</summary>
internal static partial class Posix
{
    private const int O_RDONLY = 0;
    private const int O_DIRECTORY = 0x10000;
    private const int O_CLOEXEC = 0x80000;
    private const int AT_FDCWD = -100;
    private const uint RENAME_NOREPLACE = 1;
    private const int POSIX_FADV_DONTNEED = 4;
    private const int EEXIST = 17;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int posix_fadvise(int fd, long offset, long len, int advice);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>fsync a directory so a rename inside it survives a power cut.</summary>
    public static void FsyncDirectory(string directory)
    {
        var fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
        {
            throw new IOException($"{directory}: cannot open directory to fsync (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            if (fsync(fd) != 0)
            {
                // An fsync error is final (PostgreSQL's lesson): the caller must not treat the data as durable.
                throw new IOException($"{directory}: fsync of directory failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>fsync a regular file (or a directory) by path.</summary>
    public static void FsyncPath(string path)
    {
        if (Directory.Exists(path))
        {
            FsyncDirectory(path);
            return;
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Atomic rename that fails instead of replacing an existing destination.</summary>
    public static void RenameNoReplace(string source, string destination)
    {
        if (renameat2(AT_FDCWD, source, AT_FDCWD, destination, RENAME_NOREPLACE) == 0)
        {
            return;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno == EEXIST)
        {
            throw new IOException($"{destination}: already exists; refusing to replace it");
        }
        throw new IOException($"{destination}: rename from {source} failed (errno {errno})");
    }

    /// <summary>Drops a file's pages from the page cache, so the next read comes from the storage.</summary>
    public static void EvictFromPageCache(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        posix_fadvise((int)handle.DangerousGetHandle(), 0, 0, POSIX_FADV_DONTNEED);
    }

    public static bool TryStat(string path, out StatxBuffer buffer)
    {
        const uint STATX_BASIC_STATS = 0x7ff;
        return statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, out buffer) == 0;
    }

    /// <summary>struct statx: the same layout on every Linux architecture, unlike struct stat; 256 bytes, all of which the kernel may write.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct StatxBuffer
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint LinkCount;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        public ushort Padding0;
        public ulong Inode;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public StatxTime AccessTime;
        public StatxTime BirthTime;
        public StatxTime ChangeTime;
        public StatxTime ModifyTime;
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;
        public ulong MountId;
        public uint DirectIoMemoryAlignment;
        public uint DirectIoOffsetAlignment;
        public ulong Spare0;
        public ulong Spare1;
        public ulong Spare2;
        public ulong Spare3;
        public ulong Spare4;
        public ulong Spare5;
        public ulong Spare6;
        public ulong Spare7;
        public ulong Spare8;
        public ulong Spare9;
        public ulong Spare10;
        public ulong Spare11;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct StatxTime
    {
        public long Seconds;
        public uint Nanoseconds;
        public int Reserved;
    }
}
