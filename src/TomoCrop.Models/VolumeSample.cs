using TomoCrop.Volumes;

namespace TomoCrop.Models;

/// <summary>
/// A strided float32 subsample of a volume held in memory: every Stride-th voxel along each axis, so its largest
/// side is at most the requested maximum. Bounded by that maximum, never by the volume.
/// </summary>
public sealed class VolumeSample
{
    private VolumeSample(VolumeShape sourceShape, VolumeShape shape, int stride, float[] data)
    {
        SourceShape = sourceShape;
        Shape = shape;
        Stride = stride;
        Data = data;
    }

    public VolumeShape SourceShape { get; }
    public VolumeShape Shape { get; }
    public int Stride { get; }
    public float[] Data { get; }

    /// <summary>Same stride on every axis, so slices keep the specimen's proportions.</summary>
    public static int StrideFor(VolumeShape shape, int maxSide) =>
        Math.Max(1, (Math.Max(shape.Z, Math.Max(shape.Y, shape.X)) + maxSide - 1) / maxSide);

    public static VolumeSample Read(IVolumeReader reader, int maxSide, IoLimits? limits = null)
    {
        if (maxSide < 8 || maxSide > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSide), "sample side must be within 8..1024");
        }
        var source = reader.Info.Shape;
        var stride = StrideFor(source, maxSide);
        var box = VoxelBox.Full(source);
        var shape = VolumeSampling.StridedShape(box, stride, stride, stride);
        var size = reader.Info.VoxelType.Size();
        var bytes = new byte[shape.VoxelCount * size];
        VolumeSampling.ReadStrided(reader, box, stride, stride, stride, bytes, limits);
        var data = new float[shape.VoxelCount];
        VoxelConvert.ToFloat32(bytes, reader.Info.VoxelType, data);
        return new VolumeSample(source, shape, stride, data);
    }

    /// <summary>
    /// A copy with each (y, x) column's median along z subtracted: the holder is (nearly) constant along the rotation
    /// axis, so this removes its walls, medium and ring artefacts pixel-exactly from slices along every axis, where a
    /// radial average would leave the walls' pixel-grid residue (a 4-fold pattern that tells 0/±90° from ±30/60°).
    /// </summary>
    public VolumeSample WithoutZMedian()
    {
        var (z, plane) = (Shape.Z, Shape.Y * Shape.X);
        var result = (float[])Data.Clone();
        var column = new float[z];
        var deviations = new float[z];
        for (var p = 0; p < plane; p++)
        {
            for (var k = 0; k < z; k++)
            {
                column[k] = Data[k * plane + p];
            }
            var level = ClippedLevel(column, deviations);
            for (var k = 0; k < z; k++)
            {
                result[k * plane + p] -= level;
            }
        }
        return new VolumeSample(SourceShape, Shape, Stride, result);
    }

    /// <summary>
    /// The background level of one z-column: the mean of the values within 2.5 robust standard deviations of the
    /// median. A plain median is pulled towards a specimen occupying part of the column (by ~0.7 noise units at a
    /// third of the column), which would print a ghost of the specimen's outline into every axial slice.
    /// </summary>
    private static float ClippedLevel(float[] column, float[] scratch)
    {
        var n = column.Length;
        column.AsSpan().CopyTo(scratch);
        Array.Sort(scratch);
        var median = Median(scratch);
        for (var k = 0; k < n; k++)
        {
            scratch[k] = Math.Abs(column[k] - median);
        }
        Array.Sort(scratch);
        var limit = 2.5 * 1.4826 * Median(scratch);
        double sum = 0;
        var count = 0;
        foreach (var v in column)
        {
            if (Math.Abs(v - median) <= limit)
            {
                sum += v;
                count++;
            }
        }
        return count > 0 ? (float)(sum / count) : median;
    }

    private static float Median(float[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5f * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);

    /// <summary>
    /// A copy without the holder: first each (y, x) column's median along z (z-invariant walls, medium, rings, removed
    /// pixel-exactly), then each axial slice's angular mean about the rotation axis (what is rotationally symmetric
    /// but changes along z: tube bottom, medium surface and meniscus — oriented curves in slices along y and x).
    /// </summary>
    public VolumeSample WithoutHolder()
    {
        var residual = WithoutZMedian();
        var plane = Shape.Y * Shape.X;
        for (var k = 0; k < Shape.Z; k++)
        {
            SliceBackground.SubtractRadialMean(residual.Data.AsSpan(k * plane, plane), Shape.Y, Shape.X);
        }
        return residual;
    }

    /// <summary>Wraps data already strided (tests, and the localizer's refinement reads).</summary>
    public static VolumeSample FromData(VolumeShape sourceShape, VolumeShape shape, int stride, float[] data)
    {
        if (data.Length != shape.VoxelCount)
        {
            throw new ArgumentException("data length does not match the shape");
        }
        return new VolumeSample(sourceShape, shape, stride, data);
    }

    /// <summary>
    /// Slice <paramref name="index"/> across <paramref name="axis"/>: axis 0 gives (y, x), axis 1 gives (z, x),
    /// axis 2 gives (z, y). Rows run along z for axes 1 and 2.
    /// </summary>
    public SliceImage Slice(int axis, int index)
    {
        var (z, y, x) = (Shape.Z, Shape.Y, Shape.X);
        switch (axis)
        {
            case 0:
                return new SliceImage(axis, y, x, Data.AsSpan(index * y * x, y * x).ToArray());
            case 1:
            {
                var result = new float[z * x];
                for (var k = 0; k < z; k++)
                {
                    Data.AsSpan((k * y + index) * x, x).CopyTo(result.AsSpan(k * x, x));
                }
                return new SliceImage(axis, z, x, result);
            }
            case 2:
            {
                var result = new float[z * y];
                for (var k = 0; k < z; k++)
                for (var j = 0; j < y; j++)
                {
                    result[k * y + j] = Data[(k * y + j) * x + index];
                }
                return new SliceImage(axis, z, y, result);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(axis));
        }
    }
}

/// <summary>One 2-D slice (row-major), with the axis it was cut across (0 = z: an axial slice).</summary>
public sealed record SliceImage(int Axis, int Rows, int Cols, float[] Pixels);
