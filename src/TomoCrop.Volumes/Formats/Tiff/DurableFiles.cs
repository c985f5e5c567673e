using System.ComponentModel;
using System.Runtime.InteropServices;

namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>fsync for files already closed and for directories, which .NET offers no API for.</summary>
internal static partial class DurableFiles
{
    /// <summary>Flushes a file or a directory (its entries: names of newly created files) to stable storage.</summary>
    public static void Sync(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // Windows has no directory fsync; files are flushed through FileStream.Flush(true) there.
            return;
        }
        var fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            throw new VolumeException(path, $"cannot open to fsync: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                throw new VolumeException(path, $"fsync failed: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
