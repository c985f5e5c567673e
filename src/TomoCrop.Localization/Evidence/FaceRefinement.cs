using System.Globalization;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Evidence;

/// <summary>
/// A full-resolution look at the faces the specimen evidence set. The evidence works on a strided sample, so it
/// places a face only to within a stride and misses what the stride steps over; the margin that covers this is most
/// of a box's slack. Here each face's zone — from a few voxels inside the components' outermost sample voxel out to
/// a little beyond the current face, across the current box — is read at stride 1, the holder model is subtracted,
/// and the specimen is followed out of the evidence through voxels above the background (3×3×3 mean at
/// <see cref="GrowSigmas"/>, or single voxels at <see cref="TailSigmas"/>). The face moves to the outermost voxel
/// reached plus <see cref="EvidenceOptions.RefinedMargin"/>: inwards when the zone beyond is empty, outwards when the
/// specimen runs on past the face. It never moves inside the components' outermost sample voxel, and a face where a
/// filled or round specimen hidden from the components set the evidence box is left alone.
/// </summary>
public static class FaceRefinement
{
    /// <summary>The 3×3×3 mean this many sigmas up continues the specimen.</summary>
    private const double GrowSigmas = 2.0;

    /// <summary>A single voxel this many sigmas up continues it too (a tail thinner than the mean's window).</summary>
    private const double TailSigmas = 3.5;

    /// <summary>A ring (sample slice, radius) lit in the evidence's smoothed sample for this share is holder, not specimen.</summary>
    private const double MaxRingShare = 0.25;

    /// <summary>Times the zone is pushed on past a specimen still running at its end before the face is left there.</summary>
    private const int MaxRounds = 8;

    /// <summary>
    /// A ring lit for this share of its voxels in half of the zone's slices is a ring artefact: noise lights about 2.5%
    /// of a ring, and a ring artefact the holder model half removed lights 10–25% of it in every slice.
    /// </summary>
    private const double ArtefactRingShare = 0.10;

    /// <summary>Background values the centre and sigma are taken from, at most.</summary>
    private const int MaxStatisticsValues = 1 << 18;

    /// <summary>Fewer background voxels than this beyond the evidence: the whole zone gives the background.</summary>
    private const int MinBackgroundVoxels = 512;

    /// <summary>Bytes held per zone voxel (raw, residual, mean, flags), checked against the I/O buffer budget.</summary>
    private const int BytesPerZoneVoxel = 16;

    /// <param name="quietBeyond">
    /// Per axis, the sides <see cref="SpecimenEvidence.QuietBeyond"/> found quiet: across a truncated view only those
    /// faces are looked at (the others the evidence did not set); ignored for a whole view.
    /// </param>
    public static AxisDecision[] Refine(IVolumeReader volume, IReadOnlyList<AxisDecision> decisions, EvidenceResult evidence,
        EvidenceOptions options, IoLimits limits, IReadOnlyList<(bool Low, bool High)>? quietBeyond = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var result = decisions.ToArray();
        if (!options.RefineFaces || evidence is not { Box: { } box, Sampled: { } sampled, Holder: { } lazyHolder }
            || (evidence.Truncated && quietBeyond is null))
        {
            return result;
        }
        var shape = volume.Info.Shape;
        // Across a truncated view the box spans y and x whole: the components' own extent is the evidence there.
        var found = evidence.Truncated
            ? new VoxelBox(SpecimenEvidence.Extent(evidence, 0, shape.Z), SpecimenEvidence.Extent(evidence, 1, shape.Y), SpecimenEvidence.Extent(evidence, 2, shape.X))
            : box;
        for (var axis = 0; axis < 3; axis++)
        {
            foreach (var high in new[] { false, true })
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (evidence.Truncated && !(high ? quietBeyond![axis].High : quietBeyond![axis].Low))
                {
                    continue;
                }
                var current = new VoxelBox(result[0].Range, result[1].Range, result[2].Range);
                var range = current[axis];
                if (result[axis].KeptFullExtent || (high ? range.Stop >= shape[axis] : range.Start <= 0))
                {
                    continue;
                }
                var face = Face(volume, current, axis, high, found, sampled, lazyHolder.Value, options, limits);
                if (face.Plane is not { } plane)
                {
                    continue;
                }
                var refined = high ? range with { Stop = Math.Min(shape[axis], plane + 1) } : range with { Start = Math.Max(0, plane) };
                if (refined == range)
                {
                    continue;
                }
                var decision = result[axis];
                result[axis] = decision with
                {
                    Range = refined,
                    KeptFullExtent = refined == new AxisRange(0, shape[axis]),
                    Reason = string.Create(CultureInfo.InvariantCulture, $"{decision.Reason}; full resolution: {face.Note} -> {refined}"),
                };
            }
        }
        return result;
    }

    /// <summary>The new outermost kept plane of one face, or null when the zone cannot be looked at.</summary>
    private static (int? Plane, string Note) Face(IVolumeReader volume, VoxelBox box, int axis, bool high, VoxelBox found,
        VoxelBox sampled, HolderImage holder, EvidenceOptions options, IoLimits limits)
    {
        var length = volume.Info.Shape[axis];
        var stride = holder.Stride;
        var outward = high ? 1 : -1;
        // The plane the face may not pass inwards: the components' outermost sample voxel.
        var sampledPlane = high ? sampled[axis].Stop - 1 : sampled[axis].Start;
        var boxPlane = high ? found[axis].Stop - 1 : found[axis].Start;
        if ((boxPlane - sampledPlane) * outward >= stride)
        {
            // A specimen filling the holder's shells (or round about the axis) hides in the holder model here: the
            // residual at full resolution is as blind to it, and the evidence's own margin stands (an embryo filling
            // a tube ran 6 voxels past its filled disc, which a refined margin would have left 1 voxel over).
            return (null, "");
        }
        var limit = sampledPlane;
        var reach = (2 * stride) + 2;
        var inner = Math.Clamp(limit - (outward * reach), box[axis].Start, box[axis].Stop - 1);
        var outer = high ? box[axis].Stop - 1 : box[axis].Start;
        int? outermost = null;
        var step = 1;
        for (var round = 0; round < MaxRounds; round++)
        {
            // Looks a little beyond the face; where the specimen runs on to the zone's end, again from there.
            outer = Math.Clamp(outer + (outward * reach), 0, length - 1);
            var zone = box.WithAxis(axis, high ? new AxisRange(inner, outer + 1) : new AxisRange(outer, inner + 1));
            if (Grid.Within(zone, stride, limits.MaxBufferBytes / BytesPerZoneVoxel) is not { } grid)
            {
                break;
            }
            step = grid.Step;
            outermost = Follow(volume, grid, axis, outward, limit, holder);
            if (outermost is not { } plane || (outer - plane) * outward >= step || outer == 0 || outer == length - 1)
            {
                break;
            }
        }
        if (outermost is not { } last)
        {
            return (null, "");
        }
        // Voxels between the grid's planes are unseen: the margin starts from the last of them.
        var margin = options.RefinedMargin(found[axis].Length) + step - 1;
        var note = string.Create(CultureInfo.InvariantCulture,
            $"specimen to plane {last} (components end at {sampledPlane}; looked to {outer} at stride {step}; margin {margin})");
        return (Math.Clamp(last + (outward * margin), 0, length - 1), note);
    }

    /// <summary>
    /// A zone's voxels at every <see cref="Step"/>-th position from its start along each axis. The step divides the
    /// sample's stride and the start is a multiple of it, so every sample voxel in the zone is a grid voxel.
    /// </summary>
    private sealed record Grid(VoxelBox Zone, int Step)
    {
        public VolumeShape Shape { get; } = VolumeSampling.StridedShape(Zone, Step, Step, Step);

        /// <summary>Input coordinate along <paramref name="axis"/> of grid voxel <paramref name="i"/>.</summary>
        public int Coordinate(int i, int axis) => Zone[axis].Start + (Step * axis switch
        {
            0 => i / (Shape.Y * Shape.X),
            1 => i / Shape.X % Shape.Y,
            _ => i % Shape.X,
        });

        /// <summary>The finest grid over <paramref name="zone"/> (aligned outwards) holding at most <paramref name="maxVoxels"/>, or null.</summary>
        public static Grid? Within(VoxelBox zone, int stride, long maxVoxels)
        {
            if (zone.IsEmpty)
            {
                return null;
            }
            for (var step = 1; step <= stride; step++)
            {
                if (stride % step != 0)
                {
                    continue;
                }
                AxisRange Aligned(AxisRange range) => new(range.Start / step * step, range.Stop);
                var aligned = new VoxelBox(Aligned(zone.Z), Aligned(zone.Y), Aligned(zone.X));
                var grid = new Grid(aligned, step);
                if (grid.Shape.VoxelCount <= maxVoxels)
                {
                    return grid;
                }
            }
            return null;
        }
    }

    /// <summary>
    /// The outermost plane of the zone the specimen reaches from the kept components' sample voxels (never inside
    /// <paramref name="limit"/>); null when the zone has too little background to measure its noise.
    /// </summary>
    private static int? Follow(IVolumeReader volume, Grid grid, int axis, int outward, int limit, HolderImage holder)
    {
        var (nz, ny, nx) = (grid.Shape.Z, grid.Shape.Y, grid.Shape.X);
        var residual = Residual(volume, grid, holder, out var open, out var radius);
        var mean = SpecimenEvidence.BoxMean3(residual, nz, ny, nx);

        int PlaneOf(int i) => grid.Coordinate(i, axis);
        // The background's level and noise, from beyond the evidence where there is enough of it.
        bool Beyond(int i) => (PlaneOf(i) - limit) * outward > holder.Stride;
        var background = Enumerable.Range(0, residual.Length).Where(i => open[i] && Beyond(i)).ToArray();
        if (background.Length < MinBackgroundVoxels)
        {
            background = Enumerable.Range(0, residual.Length).Where(i => open[i]).ToArray();
        }
        if (background.Length < MinBackgroundVoxels)
        {
            return null;
        }
        var (meanCentre, meanSigma) = CentreAndSigma(mean, background);
        var (voxelCentre, voxelSigma) = CentreAndSigma(residual, background);
        if (!(meanSigma > 0) || !(voxelSigma > 0))
        {
            return null;
        }
        var meanLevel = meanCentre + (GrowSigmas * meanSigma);
        var voxelLevel = voxelCentre + (TailSigmas * voxelSigma);
        bool Lit(int i) => mean[i] >= meanLevel || residual[i] >= voxelLevel;
        CloseLitRings(grid, holder, radius, open, Lit);
        bool Continues(int i) => open[i] && Lit(i);

        var reached = new bool[residual.Length];
        var frontier = new Stack<int>();
        for (var i = 0; i < residual.Length; i++)
        {
            if (holder.IsKept(grid.Coordinate(i, 0), grid.Coordinate(i, 1), grid.Coordinate(i, 2)))
            {
                reached[i] = true;
                frontier.Push(i);
            }
        }
        var outermost = limit;
        while (frontier.Count > 0)
        {
            var i = frontier.Pop();
            outermost = (PlaneOf(i) - outermost) * outward > 0 ? PlaneOf(i) : outermost;
            foreach (var j in SpecimenEvidence.Neighbours26(i, nz, ny, nx))
            {
                if (!reached[j] && Continues(j))
                {
                    reached[j] = true;
                    frontier.Push(j);
                }
            }
        }
        return outermost;
    }

    /// <summary>
    /// Closes the rings about the axis that lie wholly in the zone's cross-section and are lit for
    /// <see cref="ArtefactRingShare"/> of their voxels in at least half of the zone's slices: a ring artefact, one voxel
    /// wide, which the strided sample barely sees and the holder model leaves in the residual, runs along z through
    /// every slice; a specimen lights a whole ring about the axis only near its middle, inside the evidence.
    /// </summary>
    private static void CloseLitRings(Grid grid, HolderImage holder, double[] radius, bool[] open, Func<int, bool> lit)
    {
        var (nz, ny, nx) = (grid.Shape.Z, grid.Shape.Y, grid.Shape.X);
        var zone = grid.Zone;
        var (cy, cx) = holder.Axis;
        // Rings out to the nearest side of the cross-section lie wholly in it (none when the axis is outside it).
        var inside = Math.Min(Math.Min(cy - zone.Y.Start, zone.Y.Stop - 1 - cy), Math.Min(cx - zone.X.Start, zone.X.Stop - 1 - cx));
        var rings = (int)Math.Floor(inside);
        if (rings < 1)
        {
            return;
        }
        var ringOf = new int[ny * nx];
        var voxels = new int[rings];
        for (var p = 0; p < ringOf.Length; p++)
        {
            var r = (int)radius[p];
            ringOf[p] = r < rings ? r : -1;
            if (r < rings)
            {
                voxels[r]++;
            }
        }
        var litSlices = new int[rings];
        var litCount = new int[rings];
        for (var z = 0; z < nz; z++)
        {
            Array.Clear(litCount);
            for (var p = 0; p < ringOf.Length; p++)
            {
                var i = (z * ny * nx) + p;
                if (ringOf[p] >= 0 && open[i] && lit(i))
                {
                    litCount[ringOf[p]]++;
                }
            }
            for (var r = 0; r < rings; r++)
            {
                litSlices[r] += voxels[r] > 0 && litCount[r] >= ArtefactRingShare * voxels[r] ? 1 : 0;
            }
        }
        for (var p = 0; p < ringOf.Length; p++)
        {
            if (ringOf[p] >= 0 && 2 * litSlices[ringOf[p]] >= nz)
            {
                for (var z = 0; z < nz; z++)
                {
                    open[(z * ny * nx) + p] = false;
                }
            }
        }
    }

    /// <summary>
    /// The grid's voxels less the holder's level (0 where not finite), and which may carry specimen: inside the trusted
    /// view and not on a ring the evidence found lit like holder; and each in-plane grid pixel's distance from the axis.
    /// </summary>
    private static float[] Residual(IVolumeReader volume, Grid grid, HolderImage holder, out bool[] open, out double[] radius)
    {
        var type = volume.Info.VoxelType;
        var count = checked((int)grid.Shape.VoxelCount);
        var bytes = new byte[count * type.Size()];
        VolumeSampling.ReadStrided(volume, grid.Zone, grid.Step, grid.Step, grid.Step, bytes);
        var values = new float[count];
        VoxelConvert.ToFloat32(bytes, type, values);
        open = new bool[count];
        var plane = grid.Shape.Y * grid.Shape.X;
        radius = new double[plane];
        for (var p = 0; p < plane; p++)
        {
            radius[p] = holder.RadiusOf(grid.Coordinate(p, 1), grid.Coordinate(p, 2));
        }
        for (var i = 0; i < count; i++)
        {
            var p = i % plane;
            var v = values[i];
            var z = grid.Coordinate(i, 0);
            open[i] = radius[p] < holder.ViewRadius && holder.RingShare(z, radius[p]) < MaxRingShare;
            values[i] = float.IsFinite(v) ? v - holder.Level(z, radius[p]) : 0f;
        }
        return values;
    }

    /// <summary>Median and lower-half robust sigma of <paramref name="values"/> at <paramref name="indices"/>.</summary>
    private static (double Centre, double Sigma) CentreAndSigma(float[] values, int[] indices)
    {
        // An even subset of at most MaxStatisticsValues: the quantiles do not need millions, the sort would.
        var step = Math.Max(1, indices.Length / MaxStatisticsValues);
        var picked = new float[(indices.Length + step - 1) / step];
        for (var k = 0; k < picked.Length; k++)
        {
            picked[k] = values[indices[k * step]];
        }
        Array.Sort(picked);
        var centre = picked[picked.Length / 2];
        return (centre, (centre - picked[picked.Length / 4]) / 0.6745);
    }
}
