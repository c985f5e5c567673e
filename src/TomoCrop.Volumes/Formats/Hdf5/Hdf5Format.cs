namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>HDF5 volumes through PureHDF: hyperslab reads of any 3-D numeric dataset, chunked streaming writes.</summary>
internal sealed class Hdf5Format : IVolumeFormatHandler
{
    /// <summary>Target chunk size: whole slices, as many as fit in about this many bytes (at least one).</summary>
    public const long TargetChunkBytes = 4L << 20;

    /// <summary>HDF5 cannot store a chunk of 4 GiB or more.</summary>
    private const long MaxChunkBytes = (4L << 30) - 1;

    public VolumeFormat Format => VolumeFormat.Hdf5;

    public IVolumeReader Open(string path, VolumeOpenOptions options) => Hdf5VolumeReader.Open(path, options);

    public IVolumeWriter Create(string path, VolumeShape shape, VoxelType voxelType, VolumeWriteOptions options)
    {
        if (options.Compression == OutputCompression.Lzw)
        {
            throw new VolumeException(path, "LZW compression is not available for HDF5 output; use deflate or none");
        }
        var datasetPath = NormalizeDatasetPath(path, options.DatasetPath);
        var info = new VolumeInfo(path, VolumeFormat.Hdf5, shape, voxelType, ByteOrder.Little, datasetPath);
        if (info.SliceBytes > options.Limits.MaxSliceBytes || info.SliceBytes > MaxChunkBytes)
        {
            throw new VolumeException(path, $"a slice of {info.SliceBytes} bytes exceeds the {Math.Min(options.Limits.MaxSliceBytes, MaxChunkBytes)}-byte limit");
        }
        var depth = ChunkDepth(shape, info.SliceBytes);
        var deflate = options.Compression == OutputCompression.Deflate;
        return voxelType switch
        {
            VoxelType.UInt8 => new Hdf5VolumeWriter<byte>(info, datasetPath, depth, deflate),
            VoxelType.Int8 => new Hdf5VolumeWriter<sbyte>(info, datasetPath, depth, deflate),
            VoxelType.UInt16 => new Hdf5VolumeWriter<ushort>(info, datasetPath, depth, deflate),
            VoxelType.Int16 => new Hdf5VolumeWriter<short>(info, datasetPath, depth, deflate),
            VoxelType.UInt32 => new Hdf5VolumeWriter<uint>(info, datasetPath, depth, deflate),
            VoxelType.Int32 => new Hdf5VolumeWriter<int>(info, datasetPath, depth, deflate),
            VoxelType.Float32 => new Hdf5VolumeWriter<float>(info, datasetPath, depth, deflate),
            VoxelType.Float64 => new Hdf5VolumeWriter<double>(info, datasetPath, depth, deflate),
            _ => throw new ArgumentOutOfRangeException(nameof(voxelType)),
        };
    }

    /// <summary>
    /// Slices per chunk: at most as many whole slices as fit in <see cref="TargetChunkBytes"/> (at least one), spread
    /// evenly over the chunks. HDF5 stores a partial last chunk at full size, so a depth of 156 for 160 slices would
    /// nearly double a small crop; with even chunks the padding is under one slice per chunk.
    /// </summary>
    public static int ChunkDepth(VolumeShape shape, long sliceBytes)
    {
        var maxDepth = (int)Math.Clamp(TargetChunkBytes / sliceBytes, 1, shape.Z);
        var chunks = (shape.Z + maxDepth - 1) / maxDepth;
        return (shape.Z + chunks - 1) / chunks;
    }

    private static string NormalizeDatasetPath(string path, string datasetPath)
    {
        var parts = datasetPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is "." or ".." || p.Contains('\0')))
        {
            throw new VolumeException(path, $"'{datasetPath}' is not a valid HDF5 dataset path");
        }
        return "/" + string.Join('/', parts);
    }
}
