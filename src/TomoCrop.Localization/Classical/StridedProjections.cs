using TomoCrop.Volumes;

namespace TomoCrop.Localization.Classical;

/// <summary>
/// Maximum-intensity projections of a strided subsample along each axis, accumulated plane by plane so only
/// the three projection images (and, when asked, three orthogonal sections) plus one batch of subsample
/// planes are ever held. Non-finite voxels (NaN outside the reconstruction circle) are skipped in the
/// projections; a pixel that saw none stays −∞. Sections keep the voxels as read.
/// </summary>
public sealed class StridedProjections
{
    /// <summary>Bytes of subsample planes fetched per strided read.</summary>
    private const long BatchBytes = 16L << 20;

    private StridedProjections(VolumeShape volume, int step, (int Z, int Y, int X)? sections)
    {
        Volume = volume;
        Step = step;
        Sample = VolumeSampling.StridedShape(VoxelBox.Full(volume), step, step, step);
        AlongZ = Filled((long)Sample.Y * Sample.X);
        AlongY = Filled((long)Sample.Z * Sample.X);
        AlongX = Filled((long)Sample.Z * Sample.Y);
        if (sections is { } at)
        {
            SectionIndex = (Math.Clamp(at.Z, 0, Sample.Z - 1), Math.Clamp(at.Y, 0, Sample.Y - 1), Math.Clamp(at.X, 0, Sample.X - 1));
            SectionZ = new float[(long)Sample.Y * Sample.X];
            SectionY = new float[(long)Sample.Z * Sample.X];
            SectionX = new float[(long)Sample.Z * Sample.Y];
        }
    }

    public VolumeShape Volume { get; }

    public int Step { get; }

    public VolumeShape Sample { get; }

    /// <summary>Projection along z: rows y, columns x.</summary>
    public float[] AlongZ { get; }

    /// <summary>Projection along y: rows z, columns x.</summary>
    public float[] AlongY { get; }

    /// <summary>Projection along x: rows z, columns y.</summary>
    public float[] AlongX { get; }

    /// <summary>Subsample indices (z, y, x) of the three sections, when sections were asked for.</summary>
    public (int Z, int Y, int X)? SectionIndex { get; }

    /// <summary>Section at subsample plane z = SectionIndex.Z: rows y, columns x.</summary>
    public float[]? SectionZ { get; }

    /// <summary>Section at subsample row y = SectionIndex.Y: rows z, columns x.</summary>
    public float[]? SectionY { get; }

    /// <summary>Section at subsample column x = SectionIndex.X: rows z, columns y.</summary>
    public float[]? SectionX { get; }

    /// <summary>Input-voxel index of each subsample position along <paramref name="axis"/>.</summary>
    public int[] Positions(int axis) => Enumerable.Range(0, Sample[axis]).Select(i => i * Step).ToArray();

    /// <summary>The smallest equal step on all axes that keeps the subsample at or under <paramref name="maxVoxels"/>.</summary>
    public static int ChooseStep(VolumeShape shape, long maxVoxels)
    {
        var full = VoxelBox.Full(shape);
        var step = Math.Max(1, (int)Math.Floor(Math.Cbrt((double)shape.VoxelCount / Math.Max(1, maxVoxels))));
        while (VolumeSampling.StridedShape(full, step, step, step).VoxelCount > maxVoxels
               && step < Math.Max(shape.Z, Math.Max(shape.Y, shape.X)))
        {
            step++;
        }
        return step;
    }

    /// <summary>
    /// Reads every <paramref name="step"/>-th voxel along each axis and projects it. With
    /// <paramref name="sections"/> (subsample indices, clamped into range) the three orthogonal sections through
    /// that point are kept too.
    /// </summary>
    public static StridedProjections Read(
        IVolumeReader reader, int step, IoLimits limits, CancellationToken cancellationToken, (int Z, int Y, int X)? sections = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var info = reader.Info;
        var result = new StridedProjections(info.Shape, step, sections);
        var sample = result.Sample;
        var size = info.VoxelType.Size();
        var planeVoxels = (int)((long)sample.Y * sample.X);
        var planesPerRead = (int)Math.Clamp(BatchBytes / Math.Max(1, (long)planeVoxels * size), 1, sample.Z);
        var raw = new byte[(long)planesPerRead * planeVoxels * size];
        var plane = new float[planeVoxels];
        for (var first = 0; first < sample.Z; first += planesPerRead)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(planesPerRead, sample.Z - first);
            var zStart = first * step;
            var zStop = Math.Min(info.Shape.Z, ((first + count - 1) * step) + 1);
            var box = VoxelBox.Full(info.Shape) with { Z = new AxisRange(zStart, zStop) };
            var bytes = raw.AsSpan(0, count * planeVoxels * size);
            VolumeSampling.ReadStrided(reader, box, step, step, step, bytes, limits);
            for (var k = 0; k < count; k++)
            {
                VoxelConvert.ToFloat32(bytes.Slice(k * planeVoxels * size, planeVoxels * size), info.VoxelType, plane);
                result.Accumulate(first + k, plane);
            }
        }
        return result;
    }

    private void Accumulate(int z, float[] plane)
    {
        var (ny, nx) = (Sample.Y, Sample.X);
        if (SectionIndex is { } at)
        {
            if (z == at.Z)
            {
                plane.CopyTo(SectionZ!, 0);
            }
            Array.Copy(plane, at.Y * nx, SectionY!, z * nx, nx);
            for (var y = 0; y < ny; y++)
            {
                SectionX![(z * ny) + y] = plane[(y * nx) + at.X];
            }
        }
        for (var y = 0; y < ny; y++)
        {
            var rowMax = float.NegativeInfinity;
            for (var x = 0; x < nx; x++)
            {
                var v = plane[(y * nx) + x];
                // Comparisons with NaN are false: non-finite-as-NaN voxels never win; ±∞ are skipped explicitly.
                if (!float.IsFinite(v))
                {
                    continue;
                }
                if (v > AlongZ[(y * nx) + x]) AlongZ[(y * nx) + x] = v;
                if (v > AlongY[(z * nx) + x]) AlongY[(z * nx) + x] = v;
                if (v > rowMax) rowMax = v;
            }
            if (rowMax > AlongX[(z * ny) + y]) AlongX[(z * ny) + y] = rowMax;
        }
    }

    private static float[] Filled(long length)
    {
        var array = new float[length];
        Array.Fill(array, float.NegativeInfinity);
        return array;
    }
}
