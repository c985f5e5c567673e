namespace TomoCrop.Volumes;

/// <summary>What a reader knows about a volume without reading its voxels.</summary>
public sealed record VolumeInfo(
    string Path,
    VolumeFormat Format,
    VolumeShape Shape,
    VoxelType VoxelType,
    ByteOrder ByteOrder,
    string? DatasetPath = null)
{
    public long SliceBytes => Shape.SliceVoxels * VoxelType.Size();

    public long TotalBytes => Shape.VoxelCount * VoxelType.Size();
}
