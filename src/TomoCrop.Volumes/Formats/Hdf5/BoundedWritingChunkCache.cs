using PureHDF.VOL.Native;

namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>
/// A PureHDF writing chunk cache that holds at most <c>capacity</c> chunks. PureHDF's default keeps every chunk
/// until the file is closed (the whole volume in memory); this one writes out the oldest chunk as soon as a new
/// one is needed, and reuses its buffer for the next chunk instead of asking PureHDF for a new one (which would
/// leave a multi-megabyte array for the garbage collector per chunk). The volume writer fills whole chunks in
/// z order, so an evicted chunk is never touched again (PureHDF cannot write a chunk twice).
/// </summary>
internal sealed class BoundedWritingChunkCache(int capacity) : IWritingChunkCache
{
    private readonly LinkedList<(ulong Index, Memory<byte> Chunk, Action<ulong, Memory<byte>> Writer)> _chunks = new();
    private readonly Stack<Memory<byte>> _free = new();

    public Memory<byte> GetChunk(ulong index, Func<Memory<byte>> chunkAllocator, Action<ulong, Memory<byte>> chunkWriter)
    {
        foreach (var entry in _chunks)
        {
            if (entry.Index == index)
            {
                return entry.Chunk;
            }
        }
        while (_chunks.Count >= capacity)
        {
            Evict();
        }
        Memory<byte> chunk;
        if (_free.TryPop(out var reused))
        {
            // A fresh PureHDF chunk starts zeroed (the fill value); so does a reused one.
            reused.Span.Clear();
            chunk = reused;
        }
        else
        {
            chunk = chunkAllocator();
        }
        _chunks.AddLast((index, chunk, chunkWriter));
        return chunk;
    }

    public void Flush(Action<ulong, Memory<byte>> chunkWriter)
    {
        while (_chunks.Count > 0)
        {
            Evict();
        }
        _free.Clear();
    }

    /// <summary>Writes the oldest chunk through the writer it arrived with (the trap: never another chunk's writer).</summary>
    private void Evict()
    {
        var (index, chunk, writer) = _chunks.First!.Value;
        _chunks.RemoveFirst();
        writer(index, chunk);
        _free.Push(chunk);
    }
}
