using System.Runtime.InteropServices;
using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>
/// Streams whole slices into a chunked HDF5 dataset through PureHDF. Chunks are (depth, Y, X): whole slices, so
/// slice-wise readers touch one chunk per slice group, and a chunk is complete as soon as its slices arrive,
/// which lets a one-chunk cache bound the memory. Only one chunk's worth of slices is ever staged.
/// </summary>
internal sealed class Hdf5VolumeWriter<T> : IVolumeWriter where T : unmanaged
{
    /// <summary>Fastest deflate: PureHDF accepts only 0, 1 and 9, and 9 costs several times the time for little gain on noisy reconstructions.</summary>
    private const int DeflateLevel = 1;

    private readonly FileStream _stream;
    private readonly H5NativeWriter _writer;
    private readonly H5Dataset<T[]> _dataset;
    private readonly ReservedAttributeSpace _attributes;
    private readonly T[] _staging;
    private readonly int _chunkDepth;
    private int _stagedSlices;
    private int _slicesWritten;
    private bool _completed;
    private bool _disposed;

    public Hdf5VolumeWriter(VolumeInfo info, string datasetPath, int chunkDepth, bool deflate)
    {
        Info = info;
        _chunkDepth = chunkDepth;
        _attributes = new ReservedAttributeSpace();
        var shape = info.Shape;
        var filters = deflate
            ? new List<H5Filter>
            {
                new(ShuffleFilter.Id),
                new(DeflateFilter.Id, new() { [DeflateFilter.COMPRESSION_LEVEL] = DeflateLevel }),
            }
            : [];
        _dataset = new H5Dataset<T[]>(
            fileDims: [(ulong)shape.Z, (ulong)shape.Y, (ulong)shape.X],
            chunks: [(uint)chunkDepth, (uint)shape.Y, (uint)shape.X],
            datasetCreation: new H5DatasetCreation(new BoundedWritingChunkCache(capacity: 1), filters));
        _dataset.Attributes[_attributes.PlaceholderName] = new byte[ReservedAttributeSpace.ReservedBytes];
        var file = new H5File();
        AddAtPath(file, datasetPath, _dataset);
        _staging = new T[(long)chunkDepth * shape.SliceVoxels];

        try
        {
            _stream = new FileStream(info.Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(info.Path, $"cannot create: {e.Message}", e);
        }
        try
        {
            _writer = file.BeginWrite(_stream);
        }
        catch (Exception e)
        {
            _stream.Dispose();
            File.Delete(info.Path);
            throw new VolumeException(info.Path, $"cannot create HDF5 file: {Hdf5Errors.FirstLine(e)}", e);
        }
    }

    public VolumeInfo Info { get; }

    private static void AddAtPath(H5Group root, string datasetPath, H5Dataset dataset)
    {
        var parts = datasetPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var group = root;
        foreach (var part in parts[..^1])
        {
            var child = new H5Group();
            group[part] = child;
            group = child;
        }
        group[parts[^1]] = dataset;
    }

    public void WriteSlices(ReadOnlySpan<byte> slices, int sliceCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("the writer is already complete");
        }
        var sliceBytes = Info.SliceBytes;
        if (slices.Length != sliceCount * sliceBytes)
        {
            throw new ArgumentException("slice data does not match the slice count");
        }
        if (_slicesWritten + _stagedSlices + sliceCount > Info.Shape.Z)
        {
            throw new InvalidOperationException("more slices written than the volume has");
        }
        var staging = MemoryMarshal.AsBytes(_staging.AsSpan());
        while (slices.Length > 0)
        {
            var take = Math.Min(_chunkDepth - _stagedSlices, (int)(slices.Length / sliceBytes));
            var bytes = (int)(take * sliceBytes);
            slices[..bytes].CopyTo(staging[(int)(_stagedSlices * sliceBytes)..]);
            slices = slices[bytes..];
            _stagedSlices += take;
            if (_stagedSlices == _chunkDepth || _slicesWritten + _stagedSlices == Info.Shape.Z)
            {
                WriteStaged();
            }
        }
    }

    /// <summary>Writes the staged slices (one whole chunk, or the last, shorter one) as one hyperslab.</summary>
    private void WriteStaged()
    {
        var shape = Info.Shape;
        var count = (ulong)_stagedSlices * (ulong)shape.SliceVoxels;
        var fileSelection = new HyperslabSelection(
            rank: 3,
            starts: [(ulong)_slicesWritten, 0, 0],
            blocks: [(ulong)_stagedSlices, (ulong)shape.Y, (ulong)shape.X]);
        var memorySelection = new HyperslabSelection(start: 0, block: count);
        try
        {
            _writer.Write(_dataset, _staging, memorySelection, fileSelection);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new VolumeException(Info.Path, $"cannot write slices {_slicesWritten}..{_slicesWritten + _stagedSlices}: {Hdf5Errors.FirstLine(e)}", e);
        }
        _slicesWritten += _stagedSlices;
        _stagedSlices = 0;
    }

    public void SetAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        if (_completed)
        {
            throw new InvalidOperationException("attributes must be set before Complete");
        }
        _attributes.Set(Info.Path, attributes);
    }

    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            return;
        }
        if (_slicesWritten != Info.Shape.Z)
        {
            throw new VolumeException(Info.Path, $"only {_slicesWritten + _stagedSlices} of {Info.Shape.Z} slices were written");
        }
        try
        {
            // Writes the last chunks, the chunk index and the superblock.
            _writer.Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new VolumeException(Info.Path, $"cannot finish HDF5 file: {Hdf5Errors.FirstLine(e)}", e);
        }
        _stream.Dispose();
        using (var file = new FileStream(Info.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1))
        {
            _attributes.WriteInto(Info.Path, file, Info.DatasetPath!);
            file.Flush(flushToDisk: true);
        }
        _completed = true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_completed)
        {
            return;
        }
        // An abandoned HDF5 file has no valid superblock: remove it rather than leave garbage behind.
        try
        {
            _writer.Dispose();
        }
        catch (Exception)
        {
            // The file is being discarded; its state no longer matters.
        }
        _stream.Dispose();
        try
        {
            File.Delete(Info.Path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
