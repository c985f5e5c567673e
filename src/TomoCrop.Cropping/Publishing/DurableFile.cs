namespace TomoCrop.Cropping.Publishing;

/// <summary>Small state files (journal compactions, records, summaries) written so a crash leaves the old or the new one.</summary>
public static class DurableFile
{
    /// <summary>Writes a temporary beside <paramref name="path"/>, fsyncs it, renames it over the old file, fsyncs the directory.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        path = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.tomocrop-tmp-{Environment.ProcessId}-{Random.Shared.Next():x8}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
        Posix.FsyncDirectory(Path.GetDirectoryName(path)!);
    }
}
