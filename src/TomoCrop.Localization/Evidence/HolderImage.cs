using TomoCrop.Volumes;

namespace TomoCrop.Localization.Evidence;

/// <summary>
/// The holder's level, as <see cref="SpecimenEvidence"/> modelled it on the strided sample, at an input voxel; and
/// what the evidence made of the sample there (kept specimen, rings lit like holder).
/// </summary>
internal sealed class HolderImage(float[][] levels, int stride, VolumeShape source, int binsPerSampleVoxel)
{
    private readonly double axisY = (source.Y - 1) / 2.0;
    private readonly double axisX = (source.X - 1) / 2.0;
    private readonly int sampleY = ((source.Y - 1) / stride) + 1;
    private readonly int sampleX = ((source.X - 1) / stride) + 1;

    /// <summary>Sample voxels in the kept components (faint reach included), z-major over the sample.</summary>
    public required bool[] Kept { get; init; }

    /// <summary>
    /// Per sample slice and whole-sample-voxel radius: the share of the ring lit in the smoothed residual outside the
    /// kept components (rings of few pixels pooled over neighbouring slices).
    /// </summary>
    public required float[][] LitRingShare { get; init; }

    /// <summary>Radius (input voxels) inside which the reconstruction is trusted: two sample voxels in from the rim.</summary>
    public double ViewRadius { get; } = (Math.Min(source.Y, source.X) / 2.0) - (2 * stride);

    public int Stride => stride;

    /// <summary>The rotation axis (y, x) in input voxels: the centre of the slice.</summary>
    public (double Y, double X) Axis => (axisY, axisX);

    public double RadiusOf(int y, int x) => Math.Sqrt(((y - axisY) * (y - axisY)) + ((x - axisX) * (x - axisX)));

    public float Level(int z, double radius)
    {
        var slice = levels[Math.Clamp((int)Math.Round((double)z / stride), 0, levels.Length - 1)];
        return slice[Math.Min(slice.Length - 1, (int)(binsPerSampleVoxel * radius / stride))];
    }

    /// <summary>Is the input voxel a sample voxel of a kept component?</summary>
    public bool IsKept(int z, int y, int x) => z % stride == 0 && y % stride == 0 && x % stride == 0
        && Kept[((((z / stride) * sampleY) + (y / stride)) * sampleX) + (x / stride)];

    /// <summary>The larger lit share of the ring through this voxel in the two sample slices nearest it.</summary>
    public float RingShare(int z, double radius)
    {
        var ring = (int)(radius / stride);
        var below = Math.Clamp(z / stride, 0, LitRingShare.Length - 1);
        var above = Math.Clamp((z + stride - 1) / stride, 0, LitRingShare.Length - 1);
        float Share(int slice) => ring < LitRingShare[slice].Length ? LitRingShare[slice][ring] : 0f;
        return Math.Max(Share(below), Share(above));
    }
}
