namespace TomoCrop.Volumes.Formats.Tiff;

internal sealed class MultiPageTiffFormat : IVolumeFormatHandler
{
    public VolumeFormat Format => VolumeFormat.MultiPageTiff;

    public IVolumeReader Open(string path, VolumeOpenOptions options) =>
        throw new VolumeException(path, "format not available yet");

    public IVolumeWriter Create(string path, VolumeShape shape, VoxelType voxelType, VolumeWriteOptions options) =>
        throw new VolumeException(path, "format not available yet");
}
