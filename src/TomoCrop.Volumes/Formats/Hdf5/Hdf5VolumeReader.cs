using System.Reflection;
using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>
/// Reads boxes of a 3-D HDF5 dataset as hyperslabs through PureHDF, straight into the caller's span.
/// Voxels are read as raw bytes (PureHDF refuses byte-order conversion) and swapped here when the file is big-endian.
/// </summary>
internal sealed class Hdf5VolumeReader : IVolumeReader
{
    private readonly NativeFile _file;
    private readonly NativeDataset _dataset;
    private readonly H5DatasetAccess _access;
    private readonly long _collectEveryBytes;
    private long _chunkBytesSinceCollect;

    private Hdf5VolumeReader(VolumeInfo info, NativeFile file, NativeDataset dataset, H5DatasetAccess access, long collectEveryBytes)
    {
        Info = info;
        _file = file;
        _dataset = dataset;
        _access = access;
        _collectEveryBytes = collectEveryBytes;
    }

    public VolumeInfo Info { get; }

    public static Hdf5VolumeReader Open(string path, VolumeOpenOptions options)
    {
        Hdf5Superblock.CheckComplete(path);
        NativeFile file;
        try
        {
            file = H5File.Open(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is not VolumeException)
        {
            throw new VolumeException(path, $"cannot open as HDF5: {Hdf5Errors.FirstLine(e)}", e);
        }
        try
        {
            var (dataset, datasetPath) = Hdf5DatasetLocator.Locate(path, file, options.DatasetPath);
            var info = Describe(path, dataset, datasetPath, options.Limits);
            var access = new H5DatasetAccess { ChunkCache = CreateChunkCache(path, datasetPath, dataset, info, options.Limits) };
            // Chunked reads allocate a fresh array per decoded chunk inside PureHDF; see ReleaseDecodedChunks.
            var collectEvery = dataset.Layout.Class == H5DataLayoutClass.Chunked ? 2 * options.Limits.Hdf5ChunkCacheBytes : 0;
            var reader = new Hdf5VolumeReader(info, file, dataset, access, collectEvery);
            // Decode one voxel now so an unsupported filter or a broken chunk index fails the open, not a later read.
            Span<byte> voxel = stackalloc byte[8];
            reader.ReadBox(new VoxelBox(new(0, 1), new(0, 1), new(0, 1)), voxel[..info.VoxelType.Size()]);
            return reader;
        }
        catch (Exception e)
        {
            file.Dispose();
            if (e is VolumeException)
            {
                throw;
            }
            throw new VolumeException(path, $"cannot read HDF5 structure: {Hdf5Errors.FirstLine(e)}", e);
        }
    }

    private static VolumeInfo Describe(string path, NativeDataset dataset, string datasetPath, IoLimits limits)
    {
        var where = $"dataset {datasetPath}";
        if (dataset.Space.Rank != 3)
        {
            throw new VolumeException(path, $"{where} is {Hdf5DatasetLocator.Describe(dataset)}; a volume must be a 3-D dataset");
        }
        var type = dataset.Type;
        VoxelType? voxelType = (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FixedPoint, 1) => type.FixedPoint.IsSigned ? VoxelType.Int8 : VoxelType.UInt8,
            (H5DataTypeClass.FixedPoint, 2) => type.FixedPoint.IsSigned ? VoxelType.Int16 : VoxelType.UInt16,
            (H5DataTypeClass.FixedPoint, 4) => type.FixedPoint.IsSigned ? VoxelType.Int32 : VoxelType.UInt32,
            (H5DataTypeClass.FloatingPoint, 4) => VoxelType.Float32,
            (H5DataTypeClass.FloatingPoint, 8) => VoxelType.Float64,
            _ => null,
        };
        if (voxelType is null)
        {
            throw new VolumeException(path,
                $"{where} has unsupported voxel type {type.Class.ToString().ToLowerInvariant()} of {type.Size} bytes (supported: uint8, int8, uint16, int16, uint32, int32, float32, float64)");
        }
        var byteOrder = ReadByteOrder(dataset)
            ?? throw new VolumeException(path, $"{where}: cannot determine the byte order of its voxels");
        if (dataset.Layout.Class == H5DataLayoutClass.VirtualStorage)
        {
            throw new VolumeException(path, $"{where} is a virtual dataset; read its source files instead");
        }
        var dims = dataset.Space.Dimensions;
        if (dims.Any(d => d == 0 || d > int.MaxValue))
        {
            throw new VolumeException(path, $"{where} has dimensions {string.Join("x", dims)}; each must be between 1 and {int.MaxValue}");
        }
        var shape = new VolumeShape((int)dims[0], (int)dims[1], (int)dims[2]);
        var info = new VolumeInfo(path, VolumeFormat.Hdf5, shape, voxelType.Value, byteOrder, datasetPath);
        if (shape.SliceVoxels > limits.MaxSliceBytes / voxelType.Value.Size())
        {
            throw new VolumeException(path, $"{where} declares {shape} voxels: a slice of {(decimal)shape.SliceVoxels * voxelType.Value.Size()} bytes exceeds the {limits.MaxSliceBytes}-byte limit");
        }
        return info;
    }

    private static IReadingChunkCache CreateChunkCache(string path, string datasetPath, NativeDataset dataset, VolumeInfo info, IoLimits limits)
    {
        if (dataset.Layout.Class != H5DataLayoutClass.Chunked)
        {
            return new SimpleReadingChunkCache(1, 1);
        }
        var chunkDims = dataset.Layout.Chunks;
        decimal chunkBytes = info.VoxelType.Size();
        foreach (var d in chunkDims.Take(3))
        {
            chunkBytes *= d;
        }
        if (chunkBytes > limits.MaxBufferBytes)
        {
            throw new VolumeException(path, $"dataset {datasetPath} has chunks of {chunkBytes} bytes, more than the {limits.MaxBufferBytes}-byte buffer limit");
        }
        // Hold at least one chunk, so consecutive reads within a chunk do not decompress it again.
        var cacheBytes = Math.Max(limits.Hdf5ChunkCacheBytes, (long)chunkBytes);
        var slots = (int)Math.Clamp(cacheBytes / Math.Max(1, (long)chunkBytes), 1, 65_536);
        return new SimpleReadingChunkCache(slots, (ulong)cacheBytes);
    }

    /// <summary>
    /// The byte order recorded in the HDF5 datatype. PureHDF 2.2 keeps it internal, so it is read by reflection;
    /// if that ever fails the open fails (never a silent guess that would swap or not swap the voxels).
    /// </summary>
    private static ByteOrder? ReadByteOrder(NativeDataset dataset)
    {
        const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        var datatype = typeof(NativeDataset).GetProperty("InternalDataType", Any)?.GetValue(dataset);
        var bitField = datatype?.GetType().GetProperty("BitField", Any)?.GetValue(datatype);
        var order = bitField?.GetType().GetProperty("ByteOrder", Any)?.GetValue(bitField)?.ToString();
        return order switch
        {
            "LittleEndian" => ByteOrder.Little,
            "BigEndian" => ByteOrder.Big,
            _ => null,
        };
    }

    public void ReadBox(VoxelBox box, Span<byte> destination)
    {
        Info.CheckBoxRead(box, destination.Length);
        var size = Info.VoxelType.Size();
        var selection = new HyperslabSelection(
            rank: 3,
            starts: [(ulong)box.Z.Start, (ulong)box.Y.Start, (ulong)box.X.Start],
            blocks: [(ulong)box.Z.Length, (ulong)box.Y.Length, (ulong)box.X.Length]);
        try
        {
            // Reading as bytes puts PureHDF in raw mode: the voxels' file bytes, C-ordered, no conversion.
            _dataset.Read<byte>(_access, destination, selection, null, [(ulong)destination.Length]);
        }
        catch (Exception e) when (e is not VolumeException and not OutOfMemoryException)
        {
            throw new VolumeException(Info.Path, $"cannot read box {box} of dataset {Info.DatasetPath}: {Hdf5Errors.FirstLine(e)}", e);
        }
        if (ByteSwap.Needed(Info.ByteOrder))
        {
            ByteSwap.InPlace(destination, size);
        }
        ReleaseDecodedChunks(destination.Length);
    }

    /// <summary>
    /// PureHDF decodes every chunk into a new large array; left to its own heuristics the GC let those pile up
    /// to ~450 MB while streaming a 16x512x512-chunked float32 volume. A full collection after every two
    /// cache-fulls of data keeps the process near its real working set (cache + caller's buffers); with a small
    /// live heap such a collection takes milliseconds, against the hundreds of milliseconds of I/O in between.
    /// </summary>
    private void ReleaseDecodedChunks(long bytesRead)
    {
        if (_collectEveryBytes <= 0)
        {
            return;
        }
        _chunkBytesSinceCollect += bytesRead;
        if (_chunkBytesSinceCollect >= _collectEveryBytes)
        {
            _chunkBytesSinceCollect = 0;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
    }

    public void Dispose() => _file.Dispose();
}
