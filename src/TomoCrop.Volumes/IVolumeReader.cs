namespace TomoCrop.Volumes;

/// <summary>
/// Random access to a volume's voxels, one box at a time. Implementations read only what the box needs
/// (rows, strips, tiles or chunks that intersect it) and never hold the whole volume.
/// </summary>
public interface IVolumeReader : IDisposable
{
    VolumeInfo Info { get; }

    /// <summary>
    /// Copies the voxels of <paramref name="box"/> into <paramref name="destination"/> as a C-ordered (z, y, x)
    /// block in little-endian byte order, whatever the file's order. <paramref name="destination"/> must hold
    /// exactly box.VoxelCount * voxel size bytes. Throws <see cref="VolumeException"/> on unreadable data.
    /// </summary>
    void ReadBox(VoxelBox box, Span<byte> destination);
}

/// <summary>Sequential writer: whole (y, x) slices in increasing z, little-endian bytes in.</summary>
public interface IVolumeWriter : IDisposable
{
    VolumeInfo Info { get; }

    /// <summary>Appends <paramref name="sliceCount"/> whole slices (C-ordered, little-endian).</summary>
    void WriteSlices(ReadOnlySpan<byte> slices, int sliceCount);

    /// <summary>
    /// Key/value provenance stored inside the file where the format allows (HDF5 attributes, TIFF ImageDescription).
    /// May be called any time before <see cref="Complete"/>; a later call replaces earlier values of the same key.
    /// </summary>
    void SetAttributes(IReadOnlyDictionary<string, string> attributes);

    /// <summary>Writes what is pending, checks every slice arrived, and flushes the data to stable storage (fsync).</summary>
    void Complete();
}
