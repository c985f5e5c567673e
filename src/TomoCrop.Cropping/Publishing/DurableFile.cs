namespace TomoCrop.Cropping.Publishing;

/// <summary>
/// Small files (journal compactions, records, summaries, pictures) replaced so that a reader or a crash sees the
/// old file or the whole new one: hidden temporary beside it, fsync, rename over it, directory fsync.
/// </summary>
public static class DurableFile
{
    public static void Replace(string path, ReadOnlySpan<byte> content) => Replace(path, content.ToArray(), "file");

    /// <summary>
    /// Appends one line (a JSON record) and fsyncs it. A torn tail left by a crash has no newline: the record then
    /// starts on a fresh line rather than being glued to it. Callers serialise their own appends.
    /// </summary>
    public static void AppendLine(string path, ReadOnlySpan<byte> line)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var separator = EndsWithoutNewline(path) ? 1 : 0;
        var buffer = new byte[separator + line.Length + 1];
        if (separator == 1)
        {
            buffer[0] = (byte)'\n';
        }
        line.CopyTo(buffer.AsSpan(separator));
        buffer[^1] = (byte)'\n';
        stream.Write(buffer);
        stream.Flush(flushToDisk: true);
    }

    private static bool EndsWithoutNewline(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length == 0)
        {
            return false;
        }
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() != '\n';
    }

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
