using PureHDF.VOL.Native;

namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>
/// A PureHDF writing chunk cache that holds at most <c>capacity</c> chunks. PureHDF's default keeps every chunk
/// until the file is closed (the whole volume in memory); this one writes out the oldest chunk as soon as a new
/// one is needed. The volume writer fills whole chunks in z order, so an evicted chunk is never touched again
/// (PureHDF cannot write a chunk twice).
/// </summary>
internal sealed class BoundedWritingChunkCache(int capacity) : IWritingChunkCache
{
    private readonly LinkedList<(ulong Index, Memory<byte> Chunk, Action<ulong, Memory<byte>> Writer)> _chunks = new();

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
            // Each chunk goes out through the writer it arrived with.
            var oldest = _chunks.First!.Value;
            _chunks.RemoveFirst();
            oldest.Writer(oldest.Index, oldest.Chunk);
        }
        var chunk = chunkAllocator();
        _chunks.AddLast((index, chunk, chunkWriter));
        return chunk;
    }

    public void Flush(Action<ulong, Memory<byte>> chunkWriter)
    {
        while (_chunks.First is { } node)
        {
            _chunks.RemoveFirst();
            node.Value.Writer(node.Value.Index, node.Value.Chunk);
        }
    }
}
