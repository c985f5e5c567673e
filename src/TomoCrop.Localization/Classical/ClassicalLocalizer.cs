using System.Diagnostics;
using System.Globalization;
using TomoCrop.Localization.Evidence;
using TomoCrop.Localization.Profiles;
using TomoCrop.Models;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Classical;

/// <summary>Settings of <see cref="ClassicalLocalizer"/>.</summary>
public sealed record ClassicalOptions
{
    public static ClassicalOptions Default { get; } = new();

    /// <summary>Upper bound on the strided subsample (voxels); the equal step on all axes is the smallest that fits.</summary>
    public long MaxSampleVoxels { get; init; } = 16L << 20;

    /// <summary>Threshold rule, margins and "no clear object" test applied to each axis profile; its margins also pad the projection boxes.</summary>
    public ProfileCutOptions Cut { get; init; } = ProfileCutOptions.Default;

    /// <summary>Components of a thresholded projection smaller than this fraction of the largest are dropped as noise.</summary>
    public double MinComponentFraction { get; init; } = 0.05;

    /// <summary>Histogram bins of Otsu's threshold on the projection images.</summary>
    public int OtsuBins { get; init; } = 256;

    public IoLimits Limits { get; init; } = IoLimits.Default;

    /// <summary>
    /// Also look for anything denser than the holder's rotationally symmetric image (<see cref="SpecimenEvidence"/>,
    /// one more strided read of at most this side); with none — an empty holder — every axis is kept whole instead
    /// of cropping to the tube. 0 turns the check off.
    /// </summary>
    public int EmptyHolderSampleSide { get; init; } = 128;
}

/// <summary>
/// Threshold baseline in the manner of CIL's VolumeShrinker: strided subsample → maximum-intensity projection
/// along each axis → Otsu threshold (lowered to just above the background, see <see cref="ThresholdRule.Otsu"/>) → connected components (small ones dropped) → bounding box → margins.
/// Each axis is also judged from its profile (the maximum over each subsample plane) with <see cref="ProfileCut"/>:
/// an axis without a clear object is kept whole, otherwise the kept range is the union of the profile's range
/// and the projections' box, so neither can cut what the other saw. It keeps holders (tube walls) with the
/// specimen; it is meant to be beaten, never to lose a bright object.
/// </summary>
public sealed class ClassicalLocalizer(ClassicalOptions? options = null) : ILocalizer
{
    private static readonly string[] AxisNames = ["z", "y", "x"];

    private readonly ClassicalOptions _options = options ?? ClassicalOptions.Default;

    public string Name => "classical";

    public string? ModelSha256 => null;

    public LocalizationResult Localize(IVolumeReader volume, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var total = Stopwatch.StartNew();
        var shape = volume.Info.Shape;
        if (shape.IsEmpty)
        {
            throw new VolumeException(volume.Info.Path, $"cannot localize in an empty volume of shape {shape}");
        }

        var step = StridedProjections.ChooseStep(shape, _options.MaxSampleVoxels);
        var projections = StridedProjections.Read(volume, step, _options.Limits, cancellationToken);
        var readSeconds = total.Elapsed.TotalSeconds;

        var analysis = Stopwatch.StartNew();
        var sample = projections.Sample;
        // Sample-index spans of the kept components, per axis, from the two projections that show the axis.
        var spans = new (int First, int Last)?[3];
        Merge(spans, 1, 2, ComponentBox(projections.AlongZ, sample.Y, sample.X));
        Merge(spans, 0, 2, ComponentBox(projections.AlongY, sample.Z, sample.X));
        Merge(spans, 0, 1, ComponentBox(projections.AlongX, sample.Z, sample.Y));

        var profiles = new AxisProfile[3];
        var decisions = new AxisDecision[3];
        for (var axis = 0; axis < 3; axis++)
        {
            var values = PlaneMaxima(projections, axis);
            var positions = projections.Positions(axis);
            profiles[axis] = new AxisProfile(axis, positions, values, ProfileCut.Threshold(values, _options.Cut) ?? double.NaN);
            decisions[axis] = Decide(profiles[axis], shape[axis], spans[axis]);
        }
        if (_options.EmptyHolderSampleSide > 0
            && SpecimenEvidence.Find(VolumeSample.Read(volume, _options.EmptyHolderSampleSide, _options.Limits)).Box is null)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                decisions[axis] = SpecimenEvidence.NothingFound(decisions[axis], shape[axis]);
            }
        }
        var box = new VoxelBox(decisions[0].Range, decisions[1].Range, decisions[2].Range);
        return new LocalizationResult(
            shape, box, decisions, profiles, Name, null,
            total.Elapsed.TotalSeconds, readSeconds, analysis.Elapsed.TotalSeconds);
    }

    /// <summary>Profile decision widened to cover the projection components; the whole axis when the profile shows no clear object.</summary>
    private AxisDecision Decide(AxisProfile profile, int axisLength, (int First, int Last)? span)
    {
        var name = AxisNames[profile.Axis];
        var decision = ProfileCut.Decide(profile, axisLength, _options.Cut);
        var full = new AxisRange(0, axisLength);
        if (decision.KeptFullExtent)
        {
            return decision with { Reason = $"{name}: {decision.Reason}" };
        }
        if (span is not (int first, int last))
        {
            return decision with { Range = full, KeptFullExtent = true, Reason = $"{name}: projections have no threshold (constant image); kept whole" };
        }
        var (start, stop) = ProfileCut.SamplesToVoxels(first, last, profile.Positions, axisLength);
        var components = ProfileCut.WithMargin(new AxisRange(start, stop), axisLength, _options.Cut);
        var range = new AxisRange(Math.Min(components.Start, decision.Range.Start), Math.Max(components.Stop, decision.Range.Stop));
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"{name}: projection components at {start}:{stop}, profile {decision.Reason}");
        return new AxisDecision(range, decision.Confidence, range == full, reason);
    }

    /// <summary>Bounding rows/columns (sample indices) of the components of an Otsu-thresholded projection that are not noise.</summary>
    private (int RowFirst, int RowLast, int ColumnFirst, int ColumnLast)? ComponentBox(float[] image, int rows, int columns)
    {
        // The same descending Otsu as the profiles: a plain split can fall between a specimen's dim body and
        // its bright core and drop the body.
        if (ProfileCut.Threshold(image, _options.Cut with { Rule = ThresholdRule.Otsu, OtsuBins = _options.OtsuBins }) is not double threshold)
        {
            return null;
        }
        var mask = new bool[image.Length];
        for (var i = 0; i < image.Length; i++)
        {
            mask[i] = image[i] >= threshold && float.IsFinite(image[i]);
        }
        var components = ConnectedComponents.Find(mask, rows, columns);
        if (components.Count == 0)
        {
            return null;
        }
        var minimum = _options.MinComponentFraction * components.Max(c => c.Size);
        var kept = components.Where(c => c.Size >= minimum).ToList();
        return (kept.Min(c => c.RowFirst), kept.Max(c => c.RowLast), kept.Min(c => c.ColumnFirst), kept.Max(c => c.ColumnLast));
    }

    private static void Merge((int First, int Last)?[] spans, int rowAxis, int columnAxis,
        (int RowFirst, int RowLast, int ColumnFirst, int ColumnLast)? box)
    {
        if (box is not { } b)
        {
            return;
        }
        spans[rowAxis] = Union(spans[rowAxis], (b.RowFirst, b.RowLast));
        spans[columnAxis] = Union(spans[columnAxis], (b.ColumnFirst, b.ColumnLast));
    }

    private static (int First, int Last) Union((int First, int Last)? a, (int First, int Last) b) =>
        a is { } x ? (Math.Min(x.First, b.First), Math.Max(x.Last, b.Last)) : b;

    /// <summary>
    /// The maximum of each subsample plane across <paramref name="axis"/> (taken from a projection that keeps the
    /// axis). Planes with no finite voxel get the profile's lowest finite value: there is nothing in them.
    /// </summary>
    private static float[] PlaneMaxima(StridedProjections p, int axis)
    {
        var s = p.Sample;
        var values = new float[s[axis]];
        Array.Fill(values, float.NegativeInfinity);
        // axis 0 from AlongY (rows z, cols x); axes 1 and 2 from AlongZ (rows y, cols x).
        var (image, columns) = axis == 0 ? (p.AlongY, s.X) : (p.AlongZ, s.X);
        for (var i = 0; i < image.Length; i++)
        {
            var index = axis == 2 ? i % columns : i / columns;
            if (image[i] > values[index]) values[index] = image[i];
        }
        var finite = values.Where(float.IsFinite).DefaultIfEmpty(0f).Min();
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) values[i] = finite;
        }
        return values;
    }
}
