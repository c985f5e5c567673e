namespace TomoCrop.Volumes.Formats.Hdf5;

internal sealed class Hdf5Format : IVolumeFormatHandler
{
    public VolumeFormat Format => VolumeFormat.Hdf5;

    public IVolumeReader Open(string path, VolumeOpenOptions options) =>
        throw new VolumeException(path, "format not available yet");

    public IVolumeWriter Create(string path, VolumeShape shape, VoxelType voxelType, VolumeWriteOptions options) =>
        throw new VolumeException(path, "format not available yet");
}
