namespace TomoCrop.Cropping.Publishing;

/// <summary>
/// Small files (journal compactions, records, summaries, pictures) replaced so that a reader or a crash sees the
/// old file or the whole new one: hidden temporary beside it, fsync, rename over it, directory fsync.
/// </summary>
public static class DurableFile
{
    public static void Replace(string path, ReadOnlySpan<byte> content) => Replace(path, content.ToArray(), "file");

    private static void Replace(string path, byte[] content, string what) => Replace(path, stream => stream.Write(content), what);

    /// <summary><paramref name="write"/> fills the temporary; <paramref name="what"/> names it in an error ("preview").</summary>
    public static void Replace(string path, Action<Stream> write, string what)
    {
        path = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.tomocrop-tmp-{Environment.ProcessId}-{Random.Shared.Next():x8}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            Posix.FsyncDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot write {what}: {e.Message}", e);
        }
        finally
        {
            // File.Delete throws when the directory is missing; that must not hide the error above.
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
