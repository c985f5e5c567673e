namespace TomoCrop.Volumes;

/// <summary>
/// Memory bounds for volume I/O. Every buffer is sized from these, never from the volume, so a 100 GB
/// volume streams through the same few hundred MiB as a 100 MB one.
/// </summary>
public sealed record IoLimits
{
    public static IoLimits Default { get; } = new();

    /// <summary>Largest slab buffer (several slices, or one window) the streaming code may hold at once.</summary>
    public long MaxBufferBytes { get; init; } = 128L << 20;

    /// <summary>Largest single slice (y*x*voxel size) accepted; a declared slice above this is refused before allocation.</summary>
    public long MaxSliceBytes { get; init; } = 1L << 30;

    /// <summary>Largest header, sidecar or metadata block read into memory (TIFF IFD arrays, JSON sidecars, HDF5 attributes).</summary>
    public long MaxMetadataBytes { get; init; } = 64L << 20;

    /// <summary>Chunk cache handed to HDF5 readers and writers.</summary>
    public long Hdf5ChunkCacheBytes { get; init; } = 64L << 20;

    /// <summary>Average rate of the bulk reads of a crop and its verification; 0 = as fast as the storage goes.</summary>
    public long MaxReadBytesPerSecond { get; init; }

    /// <summary>Largest number of slices a TIFF stack or multi-page TIFF may declare.</summary>
    public int MaxSlices { get; init; } = 1 << 20;

    /// <summary>Slices per slab for <paramref name="sliceBytes"/>-sized slices: as many as fit the buffer budget, at least one.</summary>
    public int SlicesPerSlab(long sliceBytes) =>
        (int)Math.Clamp(MaxBufferBytes / Math.Max(1, sliceBytes), 1, int.MaxValue);
}
