namespace TomoCrop.Volumes;

public static class VolumeInfoChecks
{
    /// <summary>The argument checks every <see cref="IVolumeReader.ReadBox"/> makes before touching the file.</summary>
    public static void CheckBoxRead(this VolumeInfo info, VoxelBox box, int destinationLength)
    {
        if (!box.FitsIn(info.Shape))
        {
            throw new VolumeException(info.Path, $"box {box} lies outside the volume {info.Shape}");
        }
        if (destinationLength != box.VoxelCount * info.VoxelType.Size())
        {
            throw new ArgumentException("destination size does not match the box");
        }
    }
}
