namespace TomoCrop.Volumes.Formats;

/// <summary>One on-disk format: how to recognise it, read it and write it.</summary>
internal interface IVolumeFormatHandler
{
    VolumeFormat Format { get; }

    IVolumeReader Open(string path, VolumeOpenOptions options);

    /// <summary>Creates <paramref name="path"/> (a file, or a directory for a TIFF stack); it must not exist.</summary>
    IVolumeWriter Create(string path, VolumeShape shape, VoxelType voxelType, VolumeWriteOptions options);
}
