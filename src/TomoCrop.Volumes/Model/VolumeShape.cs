namespace TomoCrop.Volumes;

/// <summary>Volume extent in voxels, ordered (z, y, x) as numpy and HDF5 store it: z is the slowest axis.</summary>
public readonly record struct VolumeShape(int Z, int Y, int X)
{
    public long VoxelCount => (long)Z * Y * X;

    public long SliceVoxels => (long)Y * X;

    public int this[int axis] => axis switch
    {
        0 => Z,
        1 => Y,
        2 => X,
        _ => throw new ArgumentOutOfRangeException(nameof(axis)),
    };

    public bool IsEmpty => Z <= 0 || Y <= 0 || X <= 0;

    public int[] ToArray() => [Z, Y, X];

    public override string ToString() => $"{Z}x{Y}x{X}";
}
