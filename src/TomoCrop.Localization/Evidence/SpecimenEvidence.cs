using TomoCrop.Localization.Profiles;
using TomoCrop.Models;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Evidence;

/// <summary>Settings of <see cref="SpecimenEvidence"/>.</summary>
public sealed record EvidenceOptions
{
    public static EvidenceOptions Default { get; } = new();

    /// <summary>
    /// Quantile of each radial shell (all z, all angles) taken as the holder's level: low, because the specimen is
    /// denser than the medium and may fill most of a shell near the axis, while bubbles (air) are few.
    /// </summary>
    public double ShellQuantile { get; init; } = 0.25;

    /// <summary>A component must contain a voxel this many background sigmas above the background (hysteresis, high).</summary>
    public double SeedSigmas { get; init; } = 5.0;

    /// <summary>Components grow through voxels this many sigmas above the background (hysteresis, low).</summary>
    public double GrowSigmas { get; init; } = 2.0;

    /// <summary>Components with fewer sample voxels are noise.</summary>
    public int MinComponentVoxels { get; init; } = 6;

    /// <summary>Components smaller than this fraction of the largest specimen candidate are debris.</summary>
    public double MinRelativeSize { get; init; } = 0.02;

    /// <summary>Margin around the evidence when a localizer uses it for a face: voxels plus a percentage of its extent.</summary>
    public int MarginVoxels { get; init; } = 6;

    public double MarginPercent { get; init; } = 5.0;

    /// <summary>
    /// A slice's shells around the rotation axis count as filled when their level rises this many voxel-noise sigmas
    /// above the same shells' usual level — their lower quartile over the slices that are not air
    /// (<see cref="EvidenceResult.Box"/> then covers them).
    /// </summary>
    public double FilledSigmas { get; init; } = 0.5;

    /// <summary>
    /// Look again at full resolution at each face the evidence set (<see cref="FaceRefinement"/>): the strided sample
    /// places a face only to within a stride, which the wide margin above has to cover.
    /// </summary>
    public bool RefineFaces { get; init; } = true;

    /// <summary>
    /// Margin beyond what the full-resolution look found: voxels plus a percentage of the extent. On 520 faces of seven
    /// phantom sets the look reached 1–3 voxels past the true face on most, and fell short by up to 4 (a low-contrast
    /// embryo's faint rim) or 3 (a small fish's fin): 4 voxels + 2% keeps 3 voxels over the worst.
    /// </summary>
    public int RefinedMarginVoxels { get; init; } = 4;

    public double RefinedMarginPercent { get; init; } = 2.0;

    public int Margin(int extent) => MarginVoxels + (int)Math.Ceiling(MarginPercent / 100.0 * extent);

    public int RefinedMargin(int extent) => RefinedMarginVoxels + (int)Math.Ceiling(RefinedMarginPercent / 100.0 * extent);
}

/// <summary>Where the volume holds something denser than the holder's symmetric image; null box when nothing does.</summary>
/// <param name="Box">Bounding box in input voxels (strided samples widened by one stride on each side); null: no evidence.</param>
/// <param name="Voxels">Sample voxels in the kept components.</param>
/// <param name="Noise">Background sigma of the smoothed residual.</param>
/// <param name="Stride">Input voxels between sample voxels.</param>
public sealed record EvidenceResult(VoxelBox? Box, long Voxels, int Components, double Noise, int Stride)
{
    /// <summary>
    /// Slices where something fills the holder's shells out from the rotation axis (z span, and the filled disc's
    /// extent in y and x), or null. Already inside <see cref="Box"/>; kept apart for the record and the tests.
    /// </summary>
    public VoxelBox? Filled { get; init; }

    /// <summary>
    /// The field of view cuts through something as dense as the slice's interior (a specimen larger than the view, a
    /// tube as wide as it, or no holder edge at all): then nothing tells where the object ends in y and x, and
    /// <see cref="Box"/> spans both whole.
    /// </summary>
    public bool Truncated { get; init; }

    /// <summary>
    /// Specimen material round about the rotation axis that the holder model would take for holder — a core, rod or
    /// plug standing in air with no container wall at its edge, or a band of shells denser than a tube's medium (a
    /// centred bone shaft or capsule): its z span and the disc out to its edge, or null. Always inside <see cref="Box"/>.
    /// </summary>
    public VoxelBox? Solid { get; init; }

    /// <summary>
    /// The outermost sample voxels of the kept components (and what their faint reach added), in input voxels: where
    /// the components themselves end, before the one-stride widening of <see cref="Box"/>. Null without components.
    /// </summary>
    public VoxelBox? Sampled { get; init; }

    /// <summary>
    /// How far inside the rim of the view (the inscribed circle of a slice) the kept components and their faint reach
    /// end, as a share of the view's radius: 1 at the axis, 0 at the rim, negative in the corners beyond it; null
    /// without components.
    /// </summary>
    public double? RimClearance { get; init; }

    /// <summary>
    /// Where a specimen touching the rim of a truncated view may run on unseen (all of z; in y and x the quadrants
    /// about the axis it touches), or null. Already inside <see cref="Box"/> and the lateral extent
    /// <see cref="SpecimenEvidence.Narrow"/> weighs.
    /// </summary>
    public VoxelBox? BeyondRim { get; init; }

    /// <summary>
    /// The holder model the residual was taken against, for looking at input voxels; null without components. Built on
    /// first use: only <see cref="FaceRefinement"/> needs it, and only for a box it refines.
    /// </summary>
    internal Lazy<HolderImage>? Holder { get; init; }

    /// <summary>Does the evidence reach within two sample voxels of the lower (upper) border of <paramref name="axis"/>?</summary>
    public (bool Low, bool High) NearBorders(int axis, int axisLength) => Box is { } box
        ? (box[axis].Start <= 2 * Stride, box[axis].Stop >= axisLength - (2 * Stride))
        : (false, false);
}

/// <summary>
/// Classical evidence for the specimen in the localizer's in-memory subsample: the holder (tube, medium, rings) is
/// rotationally symmetric about the rotation axis, so a low quantile of each radial shell models it; the residual is
/// smoothed (3×3×3 mean), scaled by its background's robust spread, and thresholded with hysteresis (seeds k·σ above
/// the background's robust mean, grown through a lower level). Bubbles are air, below the medium, and drop out.
/// Components symmetric about the axis are holder; a specimen joined to a holder part (a surface, a tube bottom, the
/// wall) is split from its whole rings first. The localizers combine the box with their own (<see cref="Narrow"/>,
/// <see cref="Cover"/>).
/// </summary>
public static class SpecimenEvidence
{
    /// <summary>
    /// <paramref name="decision"/> widened to the whole axis because nothing denser than the holder was found: an
    /// empty holder, or a specimen too faint to see — either way there is nothing to crop safely.
    /// </summary>
    public static AxisDecision NothingFound(AxisDecision decision, int axisLength) =>
        new(new AxisRange(0, axisLength), Math.Min(decision.Confidence, 0.5), true,
            $"no specimen evidence above the holder: kept whole (was: {decision.Reason})");

    /// <summary>
    /// <paramref name="decision"/> widened so it holds the evidence plus a margin (and reaches a border the evidence
    /// reaches): for a localizer whose own signal may miss part of a specimen, classical evidence is a floor the box
    /// never goes below. No evidence anywhere keeps the axis whole, as for the rotation localizer.
    /// </summary>
    public static AxisDecision Cover(AxisDecision decision, EvidenceResult evidence, int axis, int axisLength, EvidenceOptions options)
    {
        if (evidence.Box is not { } box)
        {
            return NothingFound(decision, axisLength);
        }
        if (decision.KeptFullExtent)
        {
            return decision;
        }
        var found = box[axis];
        var margin = options.Margin(found.Length);
        var (lowBorder, highBorder) = evidence.NearBorders(axis, axisLength);
        var start = lowBorder ? 0 : Math.Min(decision.Range.Start, Math.Max(0, found.Start - margin));
        var stop = highBorder ? axisLength : Math.Max(decision.Range.Stop, Math.Min(axisLength, found.Stop + margin));
        var range = new AxisRange(start, stop);
        return range == decision.Range
            ? decision
            : new AxisDecision(range, decision.Confidence, range == new AxisRange(0, axisLength),
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{decision.Reason}; widened to the evidence at {found.Start}:{found.Stop} (margin {margin}) -> {start}:{stop}"));
    }

    /// <summary>
    /// A learned localizer's range combined with the evidence box plus margins. Where it cropped a side, the tighter
    /// of the two is kept, but never inside the evidence plus <see cref="EvidenceOptions.MarginVoxels"/>: the evidence
    /// is a floor a learned profile may not cut into. Where it kept a side to the border (no clear object on the axis,
    /// an object reaching that border, or a sliver not worth cutting) the evidence decides that side: the certainty of a real scan is noisy
    /// near its ends, while the evidence also covers what could hide from it — slices where a specimen fills the
    /// holder's shells (<see cref="EvidenceResult.Filled"/>) and anything dense at a border, which keeps that side
    /// to the border. Where the view cuts through the object (<see cref="EvidenceResult.Truncated"/>) sides kept to
    /// the border stay there, and a side the certainty cropped is only widened — in y and x to the kept components
    /// plus the margin (<see cref="Extent"/>) — except on the sides <paramref name="quietBeyond"/> names
    /// (<see cref="QuietBeyond"/>), which the evidence decides as in a whole view. No evidence anywhere means an empty
    /// holder (or a specimen filling the view): the whole axis is kept, as lossless-first asks.
    /// </summary>
    public static AxisDecision Narrow(AxisDecision decision, EvidenceResult evidence, int axis, int axisLength, EvidenceOptions options,
        (bool Low, bool High) quietBeyond = default)
    {
        var full = new AxisRange(0, axisLength);
        if (evidence.Box is null)
        {
            return NothingFound(decision, axisLength);
        }
        var found = Extent(evidence, axis, axisLength);
        var margin = options.Margin(found.Length);
        var widened = Widened(found, axisLength, options);
        // Where the view cuts through the object, a specimen filling it may hide from the evidence anywhere (a fish
        // filling the view showed evidence in only two thirds of its slices): sides kept to the border stay there,
        // and on a side the profile cropped the evidence only widens — unless the profile is quiet beyond it.
        var (trustLow, trustHigh) = (!evidence.Truncated || quietBeyond.Low, !evidence.Truncated || quietBeyond.High);
        var floor = new AxisRange(Math.Max(0, found.Start - options.MarginVoxels), Math.Min(axisLength, found.Stop + options.MarginVoxels));
        var start = decision.Range.Start == 0 ? (trustLow ? widened.Start : 0)
            : !trustLow ? Math.Min(decision.Range.Start, widened.Start)
            : Math.Min(Math.Max(decision.Range.Start, widened.Start), floor.Start);
        var stop = decision.Range.Stop == axisLength ? (trustHigh ? widened.Stop : axisLength)
            : !trustHigh ? Math.Max(decision.Range.Stop, widened.Stop)
            : Math.Max(Math.Min(decision.Range.Stop, widened.Stop), floor.Stop);
        start = found.Start <= 2 * evidence.Stride ? 0 : start;
        stop = found.Stop >= axisLength - (2 * evidence.Stride) ? axisLength : stop;
        var range = new AxisRange(start, stop);
        var quiet = !evidence.Truncated || !(quietBeyond.Low || quietBeyond.High) ? ""
            : $" (truncated view; certainty quiet beyond it {(quietBeyond.Low && quietBeyond.High ? "on both sides" : quietBeyond.Low ? "below" : "above")})";
        return new AxisDecision(range, decision.Confidence, range == full,
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{decision.Reason}; evidence at {found.Start}:{found.Stop} (margin {margin}){quiet} -> {start}:{stop}"));
    }

    /// <summary>
    /// A quiet side's samples beyond the evidence must all (but a tenth) lie at or under the ceiling, and this many
    /// profile-noise sigmas below the median inside the evidence: the profile itself sees the specimen end there.
    /// </summary>
    private const double QuietStepSigmas = 5.0;

    /// <summary>Fewer profile samples than this beyond the evidence say nothing either way.</summary>
    private const int MinQuietSamples = 3;

    /// <summary>
    /// Components ending closer than this share of the view's radius to its rim may run on unseen — out of the
    /// reconstruction circle or into a tube wall at the rim — where neither they nor the profile can follow.
    /// </summary>
    private const double MinRimClearance = 0.15;

    /// <summary>
    /// Where the view cuts through the object (<see cref="EvidenceResult.Truncated"/>), the sides of the evidence
    /// beyond which the certainty profile is quiet: every sample past the evidence plus its margin (all but a tenth)
    /// at or under <paramref name="ceiling"/> — slices with nothing to see score about chance, a specimen's well
    /// above — and <see cref="QuietStepSigmas"/> noise sigmas under the profile's median inside the evidence, which
    /// the profile must see. <see cref="Narrow"/> lets the evidence decide such a side as in a whole view, and
    /// <see cref="FaceRefinement"/> looks at it at full resolution. A specimen filling the view scores far above chance
    /// wherever the evidence misses it (0.49–0.97 on 18 such phantoms, where the evidence covered as little as a
    /// fifth of an axis); an out-of-view specimen in air or a tube's medium leaves the rest of the axis near chance.
    /// A medium or air the model scores above the ceiling (0.4–0.6 on some phantoms) keeps the old rule: those sides
    /// stay. So do components near the view's rim (<see cref="MinRimClearance"/>): a fish out of view along x, lying
    /// against the tube wall at the rim, ran on 9–11 voxels beyond them unseen, and the profile was quiet there too.
    /// </summary>
    public static (bool Low, bool High) QuietBeyond(EvidenceResult evidence, AxisProfile profile, int axisLength, EvidenceOptions options, double ceiling)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(profile);
        if (!evidence.Truncated || evidence.Box is null || !(ceiling > 0) || double.IsPositiveInfinity(ceiling)
            || evidence.Sampled is null || !(evidence.RimClearance >= MinRimClearance))
        {
            return (false, false);
        }
        var found = Extent(evidence, profile.Axis, axisLength);
        var widened = Widened(found, axisLength, options);
        var inside = new List<float>();
        var below = new List<float>();
        var above = new List<float>();
        for (var i = 0; i < profile.Positions.Length; i++)
        {
            var (position, value) = (profile.Positions[i], profile.Values[i]);
            (position < widened.Start ? below : position >= widened.Stop ? above : position >= found.Start && position < found.Stop ? inside : null)?.Add(value);
        }
        if (inside.Count == 0)
        {
            return (false, false);
        }
        inside.Sort();
        var level = Math.Min(ceiling, inside[inside.Count / 2] - (QuietStepSigmas * ProfileCut.NeighbourSigma(profile.Values)));
        bool Quiet(List<float> beyond)
        {
            if (beyond.Count < MinQuietSamples)
            {
                return false;
            }
            beyond.Sort();
            return beyond[(int)(0.9 * (beyond.Count - 1))] <= level;
        }
        return (Quiet(below), Quiet(above));
    }

    private static AxisRange Widened(AxisRange found, int axisLength, EvidenceOptions options)
    {
        var margin = options.Margin(found.Length);
        return new AxisRange(Math.Max(0, found.Start - margin), Math.Min(axisLength, found.Stop + margin));
    }

    /// <summary>
    /// The evidence along <paramref name="axis"/> as <see cref="Narrow"/> weighs it: the box, except across a truncated
    /// view, where the box spans y and x whole and the kept components' own extent (one stride wider, as the box is) is
    /// what shows the specimen. Out-of-view and holder-less scans: the certainty profile crops y and x clearly there
    /// (on eight phantom sets every such side held the true box with ≥ 10 voxels to spare), and the whole-axis box
    /// undid every such crop. Where the components touch the view's rim, the quadrants the specimen may run on into
    /// unseen (<see cref="EvidenceResult.BeyondRim"/>) are part of that extent.
    /// </summary>
    internal static AxisRange Extent(EvidenceResult evidence, int axis, int axisLength)
    {
        if (!(evidence.Truncated && axis > 0 && evidence.Sampled is { } sampled))
        {
            return evidence.Box!.Value[axis];
        }
        var components = new AxisRange(Math.Max(0, sampled[axis].Start - evidence.Stride + 1), Math.Min(axisLength, sampled[axis].Stop + evidence.Stride - 1));
        return evidence.BeyondRim is { } rim
            ? new AxisRange(Math.Min(components.Start, rim[axis].Start), Math.Max(components.Stop, rim[axis].Stop))
            : components;
    }

    public static EvidenceResult Find(VolumeSample sample, EvidenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        options ??= EvidenceOptions.Default;
        var (nz, ny, nx) = (sample.Shape.Z, sample.Shape.Y, sample.Shape.X);
        var holder = HolderLevels(sample, options.ShellQuantile);
        var residual = WithoutShells(sample, holder);
        // The voxel noise of the residual and the rings about the axis, once for every rule below.
        var voxelNoise = LowerHalfSigma(residual);
        var axisRings = AxisRings.Of(sample);
        var air = AirSlices(sample, holder, voxelNoise);
        var filling = FilledSlices(sample, holder, voxelNoise, air, options);
        var filled = filling?.Box;
        var truncated = IsTruncated(sample, holder, voxelNoise, air);
        var roundRadii = truncated ? null : RoundSpecimenRadii(sample, axisRings, voxelNoise);
        var solid = RoundSpecimenBox(sample, roundRadii, hide: null);
        var smooth = BoxMean3(residual, nz, ny, nx);

        // Background centre and spread of the smoothed residual: most voxels are background, and the lower half of
        // its distribution is untouched by the (denser) specimen.
        var sorted = smooth.Where(float.IsFinite).ToArray();
        if (sorted.Length < 64)
        {
            return new EvidenceResult(solid, 0, 0, double.NaN, sample.Stride) { Filled = filled, Truncated = truncated, Solid = solid };
        }
        Array.Sort(sorted);
        double Quantile(double q) => sorted[(int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
        var centre = Quantile(0.5);
        // A floor for noise-free data (or a quiet exterior making up half the volume); the shells' own noise rules.
        var sigma = Math.Max((centre - Quantile(0.25)) / 0.6745, 1e-6 * (sorted[^1] - sorted[0]));
        if (!(sigma > 0))
        {
            return new EvidenceResult(solid, 0, 0, sigma, sample.Stride) { Filled = filled, Truncated = truncated, Solid = solid };
        }
        var thresholds = ShellThresholds(smooth, sample, axisRings, centre, sigma, options);
        if (filling?.Reference is { } reference)
        {
            // Levels and noise come from the holder model as it stands; only the components see the unhidden specimen.
            smooth = BoxMean3(Unhidden(sample, holder, residual, filling, reference), nz, ny, nx);
        }

        var visited = new bool[smooth.Length];
        var stack = new Stack<int>();
        int[] low = [int.MaxValue, int.MaxValue, int.MaxValue], high = [-1, -1, -1];
        long kept = 0;
        var components = 0;
        var members = new List<int>();
        var found = new List<(List<int> Part, HashSet<int> Rings)>();
        var largest = 0;
        for (var start = 0; start < smooth.Length; start++)
        {
            if (visited[start] || !(smooth[start] >= thresholds.Seed(start)))
            {
                continue;
            }
            members.Clear();
            visited[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var i = stack.Pop();
                members.Add(i);
                foreach (var j in Neighbours26(i, nz, ny, nx))
                {
                    if (!visited[j] && smooth[j] >= thresholds.Grow(j))
                    {
                        visited[j] = true;
                        stack.Push(j);
                    }
                }
            }
            if (members.Count < options.MinComponentVoxels)
            {
                continue;
            }
            if (IsSingleSlice(members, ny * nx) || IsHolderLike(members, sample) || IsRaisedRingFragment(members, smooth, sample, axisRings, thresholds))
            {
                continue;
            }
            // A specimen joined to a medium surface, a tube bottom or the wall is judged without them — when that
            // leaves a body worth the name: a specimen centred on the axis is made of whole rings too (a sphere's lit
            // caps), and a sheet alone leaves only frayed edges; either way the component stays as it is.
            var (parts, rings) = WithoutRings(members, sample);
            if (rings.Count > 0 && parts.Select(p => p.Count).DefaultIfEmpty(0).Max() < MinSplitBody * members.Count)
            {
                // Whole rings with frayed edges and no body: a holder sheet where the holder changes, a tube's domed
                // end, or a round specimen centred on the axis, which is kept whole.
                if (IsSheetAtStep(members, sample, holder, voxelNoise) || IsMostlyAnnular(members, sample))
                {
                    continue;
                }
                (parts, rings) = ([[.. members]], []);
            }
            var candidates = parts
                .Where(part => part.Count >= options.MinComponentVoxels && !IsSingleSlice(part, ny * nx) && !IsHolderLike(part, sample))
                .ToList();
            var bodies = candidates.Select(part => WithoutSpeckle(part, smooth, thresholds, sample.Shape)).ToList();
            // Where a lit medium was cut away from a specimen, the component's other parts without a core are that
            // medium's loose pieces. Sizes are weighed before the cut: debris stays small beside the lit medium.
            var speckled = bodies.Any(body => body.Trimmed);
            // Split from its rings with not one core among its parts: the frayed edge of a lit holder sheet (a tube
            // bottom the shell levels lag behind), whose seeds all lay in the rings. A specimen resting on the sheet
            // brings seeds of its own.
            if (rings.Count > 0 && !bodies.Any(body => body.HasCore))
            {
                continue;
            }
            largest = Math.Max(largest, candidates.Select(part => part.Count).DefaultIfEmpty(0).Max());
            found.AddRange(bodies.Where(body => !speckled || body.HasCore).Select(body => (body.Voxels, rings)));
        }
        var (axisY, axisX) = AxisInSample(sample);
        var nearAxis = new bool[nz];
        var keptVoxels = new List<int>();
        foreach (var (part, rings) in found)
        {
            // Far smaller than the largest candidate: ring, streak or bubble-rim debris. Relative to candidates only, so a
            // small specimen is never judged against a large holder part.
            if (part.Count < options.MinRelativeSize * largest)
            {
                continue;
            }
            var component = rings.Count == 0 ? part : WithFoot(part, rings, sample, ShellWindow(nz));
            components++;
            kept += component.Count;
            keptVoxels.AddRange(component);
            foreach (var i in component)
            {
                int[] p = [i / (ny * nx), i / nx % ny, i % nx];
                if (filling is not null && Math.Sqrt(((p[1] - axisY) * (p[1] - axisY)) + ((p[2] - axisX) * (p[2] - axisX))) <= filling.AxisRadius)
                {
                    nearAxis[p[0]] = true;
                }
                for (var a = 0; a < 3; a++)
                {
                    low[a] = Math.Min(low[a], p[a]);
                    high[a] = Math.Max(high[a], p[a]);
                }
            }
        }
        var reach = FaintReach(keptVoxels, residual, sample.Shape, axisRings, TailSigmas * InViewSigma(residual, sample, axisRings));
        foreach (var i in reach)
        {
            int[] p = [i / (ny * nx), i / nx % ny, i % nx];
            for (var a = 0; a < 3; a++)
            {
                low[a] = Math.Min(low[a], p[a]);
                high[a] = Math.Max(high[a], p[a]);
            }
        }
        if (components == 0)
        {
            var nothing = filled is { } lateral && truncated ? lateral with { Y = new(0, sample.SourceShape.Y), X = new(0, sample.SourceShape.X) } : filled;
            return new EvidenceResult(Union(nothing, solid), 0, 0, sigma, sample.Stride) { Filled = filled, Truncated = truncated, Solid = solid };
        }
        // A sample voxel stands for the input voxels up to one stride on either side.
        var source = sample.SourceShape;
        var stride = sample.Stride;
        AxisRange Range(int a) => new(Math.Max(0, (low[a] - 1) * stride + 1), Math.Min(source[a], (high[a] + 1) * stride));
        var outermost = keptVoxels.Concat(reach).Max(i => axisRings.RadiusOf[i % (ny * nx)]) * stride;
        var viewRadius = Math.Min(source.Y, source.X) / 2.0;
        var beyondRim = truncated ? BeyondRim(keptVoxels.Concat(reach), sample, axisRings, viewRadius) : null;
        var box = truncated
            ? Union(new VoxelBox(Range(0), new(0, source.Y), new(0, source.X)), beyondRim)
            : new VoxelBox(Range(0), Range(1), Range(2));
        // The kept components give the filled slices' true outline when they hold the shells around the axis there;
        // otherwise (no reference level, or the specimen still hidden) the conservative disc stands.
        var shown = filling is { Reference: not null } && filling.Runs.All(run =>
            Enumerable.Range(run.First, run.Last - run.First + 1).Count(z => nearAxis[z]) >= MinShownFraction * (run.Last - run.First + 1));
        // Where the components show a filled run, they also show the round specimen there.
        var window = ShellWindow(nz);
        solid = shown ? RoundSpecimenBox(sample, roundRadii, z => filling!.Runs.Any(r => z >= r.First - window && z <= r.Last + window)) : solid;
        AxisRange Extreme(int a) => new(low[a] * stride, Math.Min(source[a], (high[a] * stride) + 1));
        return new EvidenceResult(Union(filled is { } f && !shown ? Union(box, f) : box, solid), kept, components, sigma, stride)
        {
            Filled = filled, Truncated = truncated, Solid = solid,
            Sampled = new VoxelBox(Extreme(0), Extreme(1), Extreme(2)),
            RimClearance = 1 - (outermost / viewRadius),
            BeyondRim = beyondRim,
            Holder = new(() => HolderImageOf(holder, sample, Mask(smooth.Length, keptVoxels.Concat(reach)), smooth, axisRings, thresholds)),
        };
    }

    /// <summary>Components this share of the view's radius from its rim, or closer, touch the rim (<see cref="BeyondRim"/>).</summary>
    private const double RimTouchShare = 0.1;

    /// <summary>
    /// Across a truncated view, where the kept components touch the rim of the view (within <see cref="RimTouchShare"/>
    /// of its radius — a tube wall at the rim hides what lies in it): the specimen may run on unseen there, out of the
    /// reconstruction circle into the slice's corners, along z as far as it likes. Two out-of-view fish lying along
    /// the rim ran on 11 and 63 slices beyond everything visible of them. The region it may occupy is all of z and,
    /// in y and x, the quadrants about the axis whose rim the components touch; null when they touch none.
    /// </summary>
    private static VoxelBox? BeyondRim(IEnumerable<int> voxels, VolumeSample sample, AxisRings rings, double viewRadius)
    {
        var (ny, nx) = (sample.Shape.Y, sample.Shape.X);
        var (cy, cx) = AxisInSample(sample);
        var touch = (1 - RimTouchShare) * viewRadius;
        var quadrants = new bool[2, 2];
        foreach (var i in voxels)
        {
            var p = i % (ny * nx);
            if (rings.RadiusOf[p] * sample.Stride >= touch)
            {
                quadrants[p / nx >= cy ? 1 : 0, p % nx >= cx ? 1 : 0] = true;
            }
        }
        var source = sample.SourceShape;
        AxisRange Span(int length, bool lowHalf, bool highHalf) =>
            new(lowHalf ? 0 : (length / 2) - 1, highHalf ? length : (length / 2) + 1);
        bool Row(int q) => quadrants[q, 0] || quadrants[q, 1];
        bool Column(int q) => quadrants[0, q] || quadrants[1, q];
        return Row(0) || Row(1)
            ? new VoxelBox(new(0, source.Z), Span(source.Y, Row(0), Row(1)), Span(source.X, Column(0), Column(1)))
            : null;
    }

    /// <summary>Seed-level voxels in a connected cluster at least this large make a core a specimen can be told by.</summary>
    private const int MinCoreClusterVoxels = 10;

    /// <summary>How far (26-neighbour steps, sample voxels) a part is kept beyond its cores when the rest is speckle.</summary>
    private const int CoreReach = 3;

    /// <summary>The rest beyond the cores is speckle when it is at least this share of the part…</summary>
    private const double MinSpeckleShare = 0.25;

    /// <summary>…and its voxels have, on average, fewer than this share of their 26 neighbours in the part.</summary>
    private const double MaxSpeckleDensity = 0.4;

    /// <summary>
    /// A medium noisier than the shells' pooled statistics say (noisier than the air below or above it in the same
    /// shells) lights up at the grow level as a speckle that percolates through the tube and joins the specimen into
    /// one tube-wide part. Its seed-level voxels are then scattered singletons, while the specimen's form clusters
    /// (on nine phantom sets: one cluster of 146–9,560 voxels, the medium's ≤ 8). Where the part beyond its cores —
    /// seed clusters of <see cref="MinCoreClusterVoxels"/> or more, grown <see cref="CoreReach"/> steps through the
    /// part — is a quarter of it or more and sparse (its voxels with on average under 40% of their neighbours in the
    /// part: 0.25–0.39 for lit media on nine phantom sets, 0.51–0.81 for the rims of specimens — faint, noisy,
    /// filling the view — whose parts are kept whole; the sparsest specimen rims seen, 0.37–0.45, were under a quarter
    /// of their parts: thin boundary layers, a piece of an out-of-view embryo), the part is cut back to the grown
    /// cores. The faint reach and the full-resolution faces, which take their statistics from the zone itself, follow
    /// the specimen on from there. A part without such a core is left as it is (and dropped by the caller when another
    /// part of its component was cut back: a loose piece of the same medium).
    /// </summary>
    private static (List<int> Voxels, bool HasCore, bool Trimmed) WithoutSpeckle(List<int> part, float[] smooth, Thresholds thresholds, VolumeShape shape)
    {
        var (nz, ny, nx) = (shape.Z, shape.Y, shape.X);
        var members = new HashSet<int>(part);
        var seeds = new HashSet<int>(part.Where(i => smooth[i] >= thresholds.Seed(i)));
        var cores = new List<int>();
        while (seeds.Count > 0)
        {
            var first = seeds.First();
            seeds.Remove(first);
            var cluster = new List<int> { first };
            for (var k = 0; k < cluster.Count; k++)
            {
                foreach (var j in Neighbours26(cluster[k], nz, ny, nx))
                {
                    if (seeds.Remove(j))
                    {
                        cluster.Add(j);
                    }
                }
            }
            if (cluster.Count >= MinCoreClusterVoxels)
            {
                cores.AddRange(cluster);
            }
        }
        if (cores.Count == 0)
        {
            return (part, false, false);
        }
        var grown = new HashSet<int>(cores);
        var front = cores;
        for (var step = 0; step < CoreReach; step++)
        {
            var next = new List<int>();
            foreach (var i in front)
            {
                foreach (var j in Neighbours26(i, nz, ny, nx))
                {
                    if (members.Contains(j) && grown.Add(j))
                    {
                        next.Add(j);
                    }
                }
            }
            front = next;
        }
        var rest = part.Where(i => !grown.Contains(i)).ToList();
        if (rest.Count < MinSpeckleShare * part.Count)
        {
            return (part, true, false);
        }
        var density = rest.Average(i => Neighbours26(i, nz, ny, nx).Count(members.Contains)) / 26.0;
        return density < MaxSpeckleDensity ? ([.. grown], true, true) : (part, true, false);
    }

    /// <summary>The up to 26 neighbours of voxel <paramref name="i"/> in a z-major (nz, ny, nx) grid.</summary>
    internal static IEnumerable<int> Neighbours26(int i, int nz, int ny, int nx)
    {
        var (z, y, x) = (i / (ny * nx), i / nx % ny, i % nx);
        for (var dz = -1; dz <= 1; dz++)
        for (var dy = -1; dy <= 1; dy++)
        for (var dx = -1; dx <= 1; dx++)
        {
            var (zz, yy, xx) = (z + dz, y + dy, x + dx);
            if ((dz, dy, dx) != (0, 0, 0) && (uint)zz < nz && (uint)yy < ny && (uint)xx < nx)
            {
                yield return (((zz * ny) + yy) * nx) + xx;
            }
        }
    }

    private static bool[] Mask(int length, IEnumerable<int> indices)
    {
        var mask = new bool[length];
        foreach (var i in indices)
        {
            mask[i] = true;
        }
        return mask;
    }

    /// <summary>
    /// The holder model and the kept components for <see cref="FaceRefinement"/>, with, per sample slice and whole-voxel
    /// ring about the axis, the share of the ring's pixels at or above the grow level but not kept (a ring of few
    /// pixels pooled with its neighbouring slices): holder left in the residual — a tube bottom the shell levels lag behind, a ring artefact —
    /// lights much of its ring outside the components; a specimen lights its rings inside them.
    /// </summary>
    private static HolderImage HolderImageOf(HolderModel holder, VolumeSample sample, bool[] kept, float[] smooth, AxisRings rings, Thresholds thresholds)
    {
        var (nz, plane) = (sample.Shape.Z, sample.Shape.Y * sample.Shape.X);
        var lit = new int[nz][];
        for (var z = 0; z < nz; z++)
        {
            lit[z] = new int[rings.Pixels.Length];
            for (var r = 0; r < rings.Pixels.Length; r++)
            {
                lit[z][r] = rings.Pixels[r].Count(p => !kept[(z * plane) + p] && smooth[(z * plane) + p] >= thresholds.Grow((z * plane) + p));
            }
        }
        // A ring of few pixels (near the axis) is judged over neighbouring slices too: a ring artefact runs along z.
        var shares = new float[nz][];
        for (var z = 0; z < nz; z++)
        {
            shares[z] = new float[rings.Pixels.Length];
            for (var r = 0; r < rings.Pixels.Length; r++)
            {
                var count = rings.Pixels[r].Count;
                var half = count == 0 ? 0 : Math.Max(0, (int)Math.Ceiling(((double)MinJudgedTailRing / count - 1) / 2));
                var (from, to) = (Math.Max(0, z - half), Math.Min(nz - 1, z + half));
                var pooled = (to - from + 1) * count;
                shares[z][r] = pooled >= MinJudgedTailRing ? (float)Enumerable.Range(from, to - from + 1).Sum(k => lit[k][r]) / pooled : 0f;
            }
        }
        return new HolderImage(holder.Levels, sample.Stride, sample.SourceShape, BinsPerVoxel) { Kept = kept, LitRingShare = shares };
    }

    /// <summary>
    /// A voxel of the unsmoothed residual this many sigmas (the residual's, inside the reconstruction circle) above the
    /// holder is specimen when it lies within <see cref="TailGap"/> sample voxels of the kept components or of another
    /// such voxel: noise reaches it in about one voxel in 4,000, a fish's thin tail in many of its voxels.
    /// </summary>
    private const double TailSigmas = 3.5;

    /// <summary>
    /// Step (sample voxels) from one lit voxel to the next: 1, the 26 neighbours. At a stride of 2 or more the sample
    /// hits a tail one or two voxels thick only now and then, and the 3×3×3 mean dilutes what it hits below the grow
    /// level, but the voxels it hits still touch; a wider step let noise percolate through noisy scans.
    /// </summary>
    private const int TailGap = 1;

    /// <summary>Sample voxels beyond the kept components' box the faint reach may go.</summary>
    private const int TailReach = 12;

    /// <summary>A ring (slice, whole-voxel radius) with this share of its pixels lit is holder to the faint reach.</summary>
    private const double MaxTailRingShare = 0.25;

    /// <summary>Rings with fewer pixels are not judged by their lit share.</summary>
    private const int MinJudgedTailRing = 16;

    /// <summary>
    /// Voxels reached from <paramref name="kept"/> through voxels of <paramref name="residual"/> at or above
    /// <paramref name="level"/>, each within <see cref="TailGap"/> of the last (thin, faint parts: the smoothed
    /// components lost a small fish's tail 24 voxels long).
    /// </summary>
    private static List<int> FaintReach(List<int> kept, float[] residual, VolumeShape shape, AxisRings rings, double level)
    {
        var (nz, ny, nx) = (shape.Z, shape.Y, shape.X);
        var reached = new List<int>();
        if (kept.Count == 0 || !(level > 0))
        {
            return reached;
        }
        int[] low = [int.MaxValue, int.MaxValue, int.MaxValue], high = [-1, -1, -1];
        foreach (var i in kept)
        {
            int[] p = [i / (ny * nx), i / nx % ny, i % nx];
            for (var a = 0; a < 3; a++)
            {
                (low[a], high[a]) = (Math.Min(low[a], p[a] - TailReach), Math.Max(high[a], p[a] + TailReach));
            }
        }
        // Holder left in the residual (a tube bottom the shell levels lag behind, a ring artefact) lights much of its
        // ring; a thin appendage lights a few pixels of it. Rings of too few pixels to tell are not judged.
        // Only the slices the reach may enter; each ring is judged whole.
        var ringShare = new float[nz][];
        for (var z = Math.Max(0, low[0]); z <= Math.Min(nz - 1, high[0]); z++)
        {
            ringShare[z] = new float[rings.Pixels.Length];
            for (var r = 0; r < rings.Pixels.Length; r++)
            {
                var lit = rings.Pixels[r].Count(p => residual[(z * ny * nx) + p] >= level);
                ringShare[z][r] = rings.Pixels[r].Count >= MinJudgedTailRing ? (float)lit / rings.Pixels[r].Count : 0f;
            }
        }
        var seen = new HashSet<int>(kept);
        var frontier = new Queue<int>(kept);
        while (frontier.Count > 0)
        {
            var i = frontier.Dequeue();
            var (z, y, x) = (i / (ny * nx), i / nx % ny, i % nx);
            for (var dz = -TailGap; dz <= TailGap; dz++)
            for (var dy = -TailGap; dy <= TailGap; dy++)
            for (var dx = -TailGap; dx <= TailGap; dx++)
            {
                var (zz, yy, xx) = (z + dz, y + dy, x + dx);
                if ((uint)zz >= nz || (uint)yy >= ny || (uint)xx >= nx
                    || zz < low[0] || zz > high[0] || yy < low[1] || yy > high[1] || xx < low[2] || xx > high[2])
                {
                    continue;
                }
                var j = ((zz * ny) + yy) * nx + xx;
                if (residual[j] >= level && ringShare[zz][rings.RadiusOf[(yy * nx) + xx]] < MaxTailRingShare && seen.Add(j))
                {
                    reached.Add(j);
                    frontier.Enqueue(j);
                }
            }
        }
        return reached;
    }

    /// <summary>
    /// A component that is rotationally symmetric about the axis is holder, not specimen: at its typical distance from
    /// the axis it covers (nearly) every direction the slice grid offers, and it is either an annulus (a tube's end,
    /// a ring artefact drifting along z) or thin along z (a medium surface or tube bottom, which the shell levels
    /// follow only within their z window) or an annulus in nearly every slice (a round tube bottom). A specimen — even
    /// one centred on the axis — is neither: its body is not symmetric over its whole height.
    /// </summary>
    private static bool IsHolderLike(List<int> members, VolumeSample sample)
    {
        var (ny, nx) = (sample.Shape.Y, sample.Shape.X);
        var window = ShellWindow(sample.Shape.Z);
        var (cy, cx) = AxisInSample(sample);
        int Radius(double dy, double dx) => (int)Math.Sqrt((dy * dy) + (dx * dx));
        var radii = (int)Math.Ceiling(Math.Sqrt((cy * cy) + (cx * cx))) + 2;
        var hit = new bool[radii, Sectors];
        int minZ = int.MaxValue, maxZ = -1, minRadius = int.MaxValue, maxRadius = -1;
        foreach (var i in members)
        {
            var z = i / (ny * nx);
            var (dy, dx) = ((i / nx % ny) - cy, (i % nx) - cx);
            var r = Radius(dy, dx);
            hit[r, Sector(dy, dx)] = true;
            (minZ, maxZ) = (Math.Min(minZ, z), Math.Max(maxZ, z));
            (minRadius, maxRadius) = (Math.Min(minRadius, r), Math.Max(maxRadius, r));
        }
        // Directions the grid offers at each radius, within the component's radial range.
        var offered = new bool[radii, Sectors];
        for (var y = 0; y < ny; y++)
        for (var x = 0; x < nx; x++)
        {
            var r = Radius(y - cy, x - cx);
            if (r >= minRadius && r <= maxRadius)
            {
                offered[r, Sector(y - cy, x - cx)] = true;
            }
        }
        var coverage = new List<double>();
        for (var r = minRadius; r <= maxRadius; r++)
        {
            int got = 0, possible = 0;
            for (var k = 0; k < Sectors; k++)
            {
                possible += offered[r, k] ? 1 : 0;
                got += offered[r, k] && hit[r, k] ? 1 : 0;
            }
            if (possible > 0)
            {
                coverage.Add((double)got / possible);
            }
        }
        // Thresholded noise frays the innermost and outermost radii, so the typical radius decides.
        coverage.Sort();
        if (coverage.Count == 0 || coverage[coverage.Count / 2] < 0.9)
        {
            return false;
        }
        var thin = maxZ - minZ <= (2 * window) + 3;
        // A round tube bottom is an annulus in every slice, its radius changing with z.
        return IsAnnulus(minRadius, maxRadius) || thin || AnnularSliceShare(members, sample) >= 0.8;
    }

    private static bool IsAnnulus(int minRadius, int maxRadius) => minRadius >= 0.5 * maxRadius && minRadius > 2;

    /// <summary>The share of the component's slices in which it is an annulus about the axis (inner radius ≥ half the outer).</summary>
    private static double AnnularSliceShare(List<int> members, VolumeSample sample)
    {
        var (ny, nx) = (sample.Shape.Y, sample.Shape.X);
        var (cy, cx) = AxisInSample(sample);
        var sliceRadii = new Dictionary<int, (int Min, int Max)>();
        foreach (var i in members)
        {
            var (dy, dx) = ((i / nx % ny) - cy, (i % nx) - cx);
            var r = (int)Math.Sqrt((dy * dy) + (dx * dx));
            var z = i / (ny * nx);
            sliceRadii[z] = sliceRadii.TryGetValue(z, out var range) ? (Math.Min(range.Min, r), Math.Max(range.Max, r)) : (r, r);
        }
        return sliceRadii.Count == 0 ? 0 : (double)sliceRadii.Values.Count(r => IsAnnulus(r.Min, r.Max)) / sliceRadii.Count;
    }

    /// <summary>A component of whole rings and no body annular in at least this share of its slices is a tube's end, not a specimen (the least seen: 37%).</summary>
    private const double MinAnnularShare = 0.25;

    /// <summary>
    /// Whole rings with no body, annular in at least a quarter of their slices: a tube's domed end (a cap widening into
    /// the wall, the medium under it lit where the shell levels lag behind), or a ring-lit slab at the scan's end. A
    /// round specimen centred on the axis is a disc in its slices — its caps too; a hollow one (a capsule, a shaft) is
    /// the round-specimen rule's (<see cref="RoundSpecimenRadii"/>), as for <see cref="IsHolderLike"/>. On nine phantom
    /// sets every such component kept before was holder: two domed ends, two ring-lit slabs at the top, a tube
    /// bottom in a holder-only scan and one in a strong-rings scan, each 60–170 voxels off the specimen.
    /// </summary>
    private static bool IsMostlyAnnular(List<int> members, VolumeSample sample) => AnnularSliceShare(members, sample) >= MinAnnularShare;

    /// <summary>A sheet across the holder is at most this thick for its diameter (a medium's surface with a meniscus: about 0.2).</summary>
    private const double MaxSheetAspect = 0.35;

    /// <summary>Where the holder's level steps by this many voxel-noise sigmas, it changes material (air to medium, medium to a tube's bottom).</summary>
    private const double StepSigmas = 3.0;

    /// <summary>
    /// A medium's surface or a tube's bottom is a sheet where the holder changes: the shell levels, pooled over a z
    /// window, cannot follow the step, and a meniscus spreads it over more slices than the thin rule allows. Such a
    /// component of whole rings is far wider than thick, and the holder's level just beyond it on one side differs
    /// from that on the other. A flat round specimen centred on the axis inside a uniform medium is not at a step.
    /// </summary>
    private static bool IsSheetAtStep(List<int> members, VolumeSample sample, HolderModel holder, double voxelNoise)
    {
        var (ny, nx) = (sample.Shape.Y, sample.Shape.X);
        var (cy, cx) = AxisInSample(sample);
        int minZ = int.MaxValue, maxZ = -1, maxRadius = 0;
        foreach (var i in members)
        {
            var (z, dy, dx) = (i / (ny * nx), (i / nx % ny) - cy, (i % nx) - cx);
            (minZ, maxZ) = (Math.Min(minZ, z), Math.Max(maxZ, z));
            maxRadius = Math.Max(maxRadius, (int)Math.Sqrt((dy * dy) + (dx * dx)));
        }
        var nz = holder.Levels.Length;
        var window = ShellWindow(nz);
        var (above, below) = (minZ - window - 1, maxZ + window + 1);
        if (maxZ - minZ + 1 > MaxSheetAspect * ((2 * maxRadius) + 1) || above < 0 || below >= nz || !(voxelNoise > 0))
        {
            return false;
        }
        var bins = Math.Min(holder.Levels[0].Length, BinsPerVoxel * (maxRadius + 1));
        var steps = new float[bins];
        for (var b = 0; b < bins; b++)
        {
            steps[b] = holder.Levels[above][b] - holder.Levels[below][b];
        }
        Array.Sort(steps);
        return Math.Abs(steps[bins / 2]) >= StepSigmas * voxelNoise;
    }

    /// <summary>The rest of a ring counts as raised when its median stands this many (shell, slab) sigmas above its shell's centre.</summary>
    private const double RaisedRingSigmas = 1.0;

    /// <summary>Rings with fewer pixels (within about five voxels of the axis) are not judged.</summary>
    private const int MinJudgedRingPixels = 32;

    /// <summary>A component is a raised ring's fragment when at least this share of its voxels lies on raised rings.</summary>
    private const double RaisedFragmentShare = 0.6;

    /// <summary>
    /// Where the holder model falls short all round a ring — the shell levels, pooled over a z window, lag behind a
    /// tube's domed end, a meniscus or a drifting ring artefact — the residual is raised along the whole ring, and
    /// noise breaks the part above the grow level into fragments that are not symmetric on their own. Such a fragment
    /// is told by the rest of its rings: the voxels of each (slice, radius) ring outside the component stand, at their
    /// median, above the background too. A specimen lifts only the sectors it occupies; rings it fills nearly whole
    /// leave no rest to judge by and do not count.
    /// </summary>
    private static bool IsRaisedRingFragment(List<int> members, float[] smooth, VolumeSample sample, AxisRings rings, Thresholds thresholds)
    {
        var plane = sample.Shape.Y * sample.Shape.X;
        var (radiusOf, ringPixels) = (rings.RadiusOf, rings.Pixels);
        var inComponent = new HashSet<int>(members);
        var rest = new List<float>();
        long onRaised = 0;
        foreach (var ring in members.GroupBy(i => (Z: i / plane, R: radiusOf[i % plane])))
        {
            rest.Clear();
            foreach (var p in ringPixels[ring.Key.R])
            {
                var j = (ring.Key.Z * plane) + p;
                if (!inComponent.Contains(j) && float.IsFinite(smooth[j]))
                {
                    rest.Add(smooth[j] - thresholds.Level(j, RaisedRingSigmas));
                }
            }
            // Too few directions to judge (near the axis, where a specimen's own fringe fills a ring), or filled.
            if (ringPixels[ring.Key.R].Count < MinJudgedRingPixels || rest.Count < ringPixels[ring.Key.R].Count / 2)
            {
                continue;
            }
            rest.Sort();
            onRaised += rest[rest.Count / 2] >= 0 ? ring.Count() : 0;
        }
        return onRaised >= RaisedFragmentShare * members.Count;
    }

    /// <summary>Each in-plane pixel's whole-voxel distance from the rotation axis, and the pixels of each such ring.</summary>
    private sealed record AxisRings(int[] RadiusOf, List<int>[] Pixels)
    {
        public static AxisRings Of(VolumeSample sample)
        {
            var (ny, nx) = (sample.Shape.Y, sample.Shape.X);
            var (cy, cx) = AxisInSample(sample);
            var radiusOf = new int[ny * nx];
            for (var p = 0; p < radiusOf.Length; p++)
            {
                var (dy, dx) = ((p / nx) - cy, (p % nx) - cx);
                radiusOf[p] = (int)Math.Sqrt((dy * dy) + (dx * dx));
            }
            var pixels = Enumerable.Range(0, radiusOf.Max() + 1).Select(_ => new List<int>()).ToArray();
            for (var p = 0; p < radiusOf.Length; p++)
            {
                pixels[radiusOf[p]].Add(p);
            }
            return new AxisRings(radiusOf, pixels);
        }
    }

    /// <summary>The rotation axis in sample coordinates: the centre of the slice.</summary>
    private static (double Y, double X) AxisInSample(VolumeSample sample) =>
        ((sample.SourceShape.Y - 1) / 2.0 / sample.Stride, (sample.SourceShape.X - 1) / 2.0 / sample.Stride);

    /// <summary>Directions around the axis that symmetry tests tell apart.</summary>
    private const int Sectors = 72;

    private static int Sector(double dy, double dx) => (int)((Math.Atan2(dy, dx) + Math.PI) / (2 * Math.PI) * Sectors) % Sectors;

    /// <summary>Split a component from its rings only when its largest remaining part holds this share of it.</summary>
    private const double MinSplitBody = 0.05;

    /// <summary>
    /// A specimen touching a holder part — resting on a tube's bottom, reaching up to a medium's surface, leaning on
    /// the wall — joins the thin symmetric sheet the holder model leaves there into one component. Such a sheet fills
    /// whole rings: slices at a radius where the component covers (nearly) every direction the grid offers. Those
    /// rings are removed (near the axis, where a ring has few directions, when the ring just outside is removed too)
    /// and what remains is split into its connected parts. A specimen fills whole rings only where it encloses the
    /// axis; its outline, which sets its box, does not, and the shells it fills are covered by the filled-slices rule.
    /// Returns the parts and the removed ring voxels (<see cref="WithFoot"/>).
    /// </summary>
    private static (List<List<int>> Parts, HashSet<int> Rings) WithoutRings(List<int> members, VolumeSample sample)
    {
        const double ringCoverage = 0.85;
        const int innermostRing = 3;
        var (ny, nx) = (sample.Shape.Y, sample.Shape.X);
        var plane = ny * nx;
        var (cy, cx) = AxisInSample(sample);
        var radiusOf = new int[plane];
        var sectorOf = new int[plane];
        var radii = 0;
        for (var p = 0; p < plane; p++)
        {
            var (dy, dx) = ((p / nx) - cy, (p % nx) - cx);
            radiusOf[p] = (int)Math.Sqrt((dy * dy) + (dx * dx));
            sectorOf[p] = Sector(dy, dx);
            radii = Math.Max(radii, radiusOf[p] + 1);
        }
        var offered = new int[radii];
        var seen = new bool[radii, Sectors];
        for (var p = 0; p < plane; p++)
        {
            if (!seen[radiusOf[p], sectorOf[p]])
            {
                seen[radiusOf[p], sectorOf[p]] = true;
                offered[radiusOf[p]]++;
            }
        }
        var hit = new Dictionary<(int Z, int R), HashSet<int>>();
        foreach (var i in members)
        {
            var key = (i / plane, radiusOf[i % plane]);
            if (!hit.TryGetValue(key, out var set))
            {
                hit[key] = set = [];
            }
            set.Add(sectorOf[i % plane]);
        }
        bool Ring(int z, int r) => r >= innermostRing
            ? hit.TryGetValue((z, r), out var set) && set.Count >= ringCoverage * offered[r]
            : Ring(z, innermostRing);
        var rest = new HashSet<int>(members.Where(i => !Ring(i / plane, radiusOf[i % plane])));
        if (rest.Count == members.Count)
        {
            return ([[.. members]], []);
        }
        var rings = new HashSet<int>(members.Where(i => !rest.Contains(i)));
        var parts = new List<List<int>>();
        while (rest.Count > 0)
        {
            var first = rest.First();
            rest.Remove(first);
            parts.Add(Flood([first], ny, nx, rest.Remove));
        }
        return (parts, rings);
    }

    /// <summary>
    /// The seeds and every voxel reachable from them through 26-neighbours that <paramref name="take"/> accepts
    /// (called once per candidate; it also marks the voxel taken).
    /// </summary>
    private static List<int> Flood(IEnumerable<int> seeds, int ny, int nx, Func<int, bool> take)
    {
        var plane = ny * nx;
        var reached = new List<int>(seeds);
        var stack = new Stack<int>(reached);
        while (stack.Count > 0)
        {
            var i = stack.Pop();
            var (z, y, x) = (i / plane, i / nx % ny, i % nx);
            for (var dz = -1; dz <= 1; dz++)
            for (var dy = -1; dy <= 1; dy++)
            for (var dx = -1; dx <= 1; dx++)
            {
                var (yy, xx) = (y + dy, x + dx);
                var j = ((z + dz) * plane) + (yy * nx) + xx;
                if ((uint)yy < ny && (uint)xx < nx && take(j))
                {
                    reached.Add(j);
                    stack.Push(j);
                }
            }
        }
        return reached;
    }

    /// <summary>
    /// Where a specimen touches a holder sheet its foot cannot be told from the sheet under it: the part takes back
    /// the ring voxels joined to it over its own footprint (widened by two voxels), up to a surface's thickness above
    /// and below — a box a little deep rather than a foot cut off.
    /// </summary>
    private static List<int> WithFoot(List<int> part, HashSet<int> rings, VolumeSample sample, int window)
    {
        var (ny, nx) = (sample.Shape.Y, sample.Shape.X);
        var plane = ny * nx;
        var thin = (2 * window) + 3;
        int minZ = int.MaxValue, maxZ = -1, minY = int.MaxValue, maxY = -1, minX = int.MaxValue, maxX = -1;
        foreach (var i in part)
        {
            (minZ, maxZ) = (Math.Min(minZ, i / plane), Math.Max(maxZ, i / plane));
            (minY, maxY) = (Math.Min(minY, i / nx % ny), Math.Max(maxY, i / nx % ny));
            (minX, maxX) = (Math.Min(minX, i % nx), Math.Max(maxX, i % nx));
        }
        bool Under(int j) => j / plane >= minZ - thin && j / plane <= maxZ + thin
            && j / nx % ny >= minY - 2 && j / nx % ny <= maxY + 2 && j % nx >= minX - 2 && j % nx <= maxX + 2;
        var taken = new HashSet<int>();
        return Flood(part, ny, nx, j => rings.Contains(j) && Under(j) && taken.Add(j));
    }

    /// <summary>
    /// Grow and seed levels per in-plane pixel, from the noise of its one-voxel radial shell over all slices: noise
    /// differs by radius (a masked or noise-free exterior beside a noisy medium, FBP noise rising towards the
    /// edge), and one volume-wide sigma taken mostly from a quiet exterior would light up the whole medium. Estimated
    /// from the median and lower quartile, which a specimen in under half of a shell and air (bubbles, a tube's end) in
    /// under a quarter leave alone; never below the volume-wide figures. Noise also differs along z (the air above a
    /// short tube is quieter than the streaky air beside its wall), so each slice's levels are raised by its slab's
    /// noise relative to the typical slab's (<see cref="SlabNoiseFactors"/>).
    /// </summary>
    private static Thresholds ShellThresholds(float[] smooth, VolumeSample sample, AxisRings rings, double centre, double sigma, EvidenceOptions options)
    {
        var (nz, plane) = (sample.Shape.Z, sample.Shape.Y * sample.Shape.X);
        var members = rings.Pixels;
        var shells = members.Length;
        var shellCentres = new float[plane];
        var shellSigmas = new float[plane];
        var values = new List<float>();
        for (var r = 0; r < shells; r++)
        {
            values.Clear();
            var step = Math.Max(1, members[r].Count * nz / 20000);
            for (var i = 0; i < members[r].Count * nz; i += step)
            {
                var v = smooth[(i / members[r].Count * plane) + members[r][i % members[r].Count]];
                if (float.IsFinite(v))
                {
                    values.Add(v);
                }
            }
            double shellCentre = centre, shellSigma = sigma;
            if (values.Count >= 64)
            {
                values.Sort();
                double Quantile(double q) => values[(int)Math.Round(q * (values.Count - 1))];
                shellSigma = Math.Max(sigma, (Quantile(0.5) - Quantile(0.25)) / 0.6745);
                shellCentre = Math.Max(centre, Quantile(0.5));
            }
            foreach (var p in members[r])
            {
                shellCentres[p] = (float)shellCentre;
                shellSigmas[p] = (float)shellSigma;
            }
        }
        return new Thresholds(shellCentres, shellSigmas, SlabNoiseFactors(smooth, nz, plane), plane, options);
    }

    /// <summary>Per sample voxel: its shell's centre plus k sigmas of its shell, times its slab's noise factor.</summary>
    private sealed class Thresholds(float[] centres, float[] sigmas, float[] slabFactors, int plane, EvidenceOptions options)
    {
        public float Seed(int i) => Level(i, options.SeedSigmas);

        public float Grow(int i) => Level(i, options.GrowSigmas);

        public float Level(int i, double k) => (float)(centres[i % plane] + (k * sigmas[i % plane] * slabFactors[i / plane]));
    }

    /// <summary>A slab may raise the levels at most this many times.</summary>
    private const double MaxSlabNoiseFactor = 3.0;

    /// <summary>
    /// Each slice's noise relative to the typical slab's: the spread of its slab (the shell window on either side) over the
    /// whole plane, from the 10th and 30th percentiles, which a specimen covering up to two thirds of the plane and
    /// bubbles under a tenth leave alone; at least 1 (quieter slabs keep the shell's level), at most
    /// <see cref="MaxSlabNoiseFactor"/>.
    /// </summary>
    private static float[] SlabNoiseFactors(float[] smooth, int nz, int plane)
    {
        var window = ShellWindow(nz);
        var perSlice = new float[nz][];
        var step = Math.Max(1, plane / 4096);
        for (var z = 0; z < nz; z++)
        {
            var values = new List<float>(plane / step + 1);
            for (var p = 0; p < plane; p += step)
            {
                var v = smooth[(z * plane) + p];
                if (float.IsFinite(v))
                {
                    values.Add(v);
                }
            }
            perSlice[z] = [.. values];
        }
        var slabSigmas = new double[nz];
        var slab = new List<float>();
        for (var z = 0; z < nz; z++)
        {
            slab.Clear();
            for (var k = Math.Max(0, z - window); k <= Math.Min(nz - 1, z + window); k++)
            {
                slab.AddRange(perSlice[k]);
            }
            slab.Sort();
            double Quantile(double q) => slab[(int)Math.Round(q * (slab.Count - 1))];
            slabSigmas[z] = slab.Count >= 64 ? Quantile(0.3) - Quantile(0.1) : double.NaN;
        }
        // Relative to the typical slab, so the estimator's own bias cancels.
        var typical = slabSigmas.Where(double.IsFinite).Order().ToList() is { Count: > 0 } finite ? finite[finite.Count / 2] : double.NaN;
        return [.. slabSigmas.Select(s => typical > 0 && double.IsFinite(s) ? (float)Math.Clamp(s / typical, 1.0, MaxSlabNoiseFactor) : 1f)];
    }

    private static VoxelBox? Union(VoxelBox? a, VoxelBox? b) => a is { } first ? (b is { } second ? Union(first, second) : first) : b;

    private static VoxelBox Union(VoxelBox a, VoxelBox b) => new(
        new(Math.Min(a.Z.Start, b.Z.Start), Math.Max(a.Z.Stop, b.Z.Stop)),
        new(Math.Min(a.Y.Start, b.Y.Start), Math.Max(a.Y.Stop, b.Y.Stop)),
        new(Math.Min(a.X.Start, b.X.Start), Math.Max(a.X.Stop, b.X.Stop)));

    /// <summary>Radius around the rotation axis, as a fraction of the slice's half side, whose shells decide "filled".</summary>
    private const double AxisRadiusFraction = 0.08;

    /// <summary>A filled run is shown by the components when they reach the axis in this share of its slices.</summary>
    private const double MinShownFraction = 0.8;

    /// <summary>A filled run's levels are replaced only when at least this many sample slices show the holder's own level.</summary>
    private const int MinReferenceSlices = 8;

    /// <summary>
    /// Slices where something fills the shells around the axis (<see cref="FilledSlices"/>).
    /// </summary>
    /// <param name="Box">Conservative cover: the runs' z span and the disc out to the farthest risen radius.</param>
    /// <param name="Runs">Each run of risen slices (first, last; sample slices, before widening) and its risen radius in bins.</param>
    /// <param name="Reference">Per radial bin, the holder's level in the slices nothing fills (their median); null when too few.</param>
    /// <param name="AxisRadius">Radius around the axis, in sample voxels, whose shells decided "risen".</param>
    private sealed record Filling(VoxelBox Box, List<(int First, int Last, int RadiusBins)> Runs, float[]? Reference, double AxisRadius);

    /// <summary>
    /// Where a specimen fills the holder's shells around the rotation axis it lifts their (low-quantile) level to its
    /// own and hides from the residual: a large specimen centred on the axis would leave evidence only at its rim, or
    /// none. Such slices show as a rise of the shells nearest the axis above those shells' usual level (the lower
    /// quartile over the slices that are not air), confirmed by the slice's own pixels (<see cref="LocallyRisen"/>).
    /// Runs of them thicker than a tube bottom or medium surface (<see cref="IsHolderLike"/>'s thin rule) are
    /// returned with a conservative box — their z span, and in y and x the disc out to the farthest radius still risen
    /// in any of them — and the holder's level where nothing fills the shells, which <see cref="Unhidden"/> puts back.
    /// </summary>
    private static Filling? FilledSlices(VolumeSample sample, HolderModel holder, double noise, bool[] air, EvidenceOptions options)
    {
        var (nz, ny, nx) = (sample.Shape.Z, sample.Shape.Y, sample.Shape.X);
        var levels = holder.Levels;
        var bins = levels[0].Length;
        if (nz < 3 || !(noise > 0))
        {
            return null;
        }
        var threshold = options.FilledSigmas * noise;
        // Each shell's usual level: the lower quartile over the slices that are not air. Over all slices, the air
        // above or below a tube's medium set it when the medium filled less than half of them, and the whole medium
        // rose above it as if a specimen filled it; a low quantile keeps a specimen that fills most of the medium's
        // slices risen above it.
        var counted = Enumerable.Range(0, nz).Where(z => !air[z]).ToArray();
        var usual = new float[bins];
        var column = new float[counted.Length];
        for (var b = 0; b < bins; b++)
        {
            for (var i = 0; i < counted.Length; i++)
            {
                column[i] = levels[counted[i]][b];
            }
            Array.Sort(column);
            usual[b] = column[(column.Length - 1) / 4];
        }
        var axisVoxels = Math.Max(3, (int)(AxisRadiusFraction * Math.Min(ny, nx) / 2));
        var axisBins = Math.Min(bins, BinsPerVoxel * axisVoxels);
        var rise = new float[axisBins];
        var pooled = new bool[nz];
        for (var z = 0; z < nz; z++)
        {
            for (var b = 0; b < axisBins; b++)
            {
                rise[b] = levels[z][b] - usual[b];
            }
            Array.Sort(rise);
            pooled[z] = rise[axisBins / 2] >= threshold;
        }
        var risen = LocallyRisen(sample, holder, axisBins, pooled, air, threshold);
        int low = int.MaxValue, high = -1, radiusBins = 0;
        var thin = (2 * ShellWindow(nz)) + 3;
        var runs = new List<(int First, int Last, int RadiusBins)>();
        foreach (var (first, last) in FlagRuns.Of(risen, thin + 1))
        {
            (low, high) = (Math.Min(low, first), Math.Max(high, last));
            var runRadius = 0;
            for (var k = first; k <= last; k++)
            {
                // Out from the axis while the shells stay risen (a one-voxel dip tolerated).
                var b = 0;
                while (b + BinsPerVoxel < bins && Math.Max(levels[k][b] - usual[b], levels[k][b + BinsPerVoxel] - usual[b + BinsPerVoxel]) >= threshold)
                {
                    b++;
                }
                runRadius = Math.Max(runRadius, b + BinsPerVoxel);
            }
            runs.Add((first, last, runRadius));
            radiusBins = Math.Max(radiusBins, runRadius);
        }
        if (high < 0)
        {
            return null;
        }
        // A run's end slices pool medium slices into their levels and fall below the threshold: widen by that window.
        var window = ShellWindow(nz);
        (low, high) = (Math.Max(0, low - window), Math.Min(nz - 1, high + window));
        return new Filling(DiscBox(sample, low, high, radiusBins), runs, HolderReference(levels, runs, window, air), axisVoxels);
    }

    /// <summary>
    /// Narrows the slices the pooled holder levels call filled (<paramref name="risen"/>) to those whose own pixels
    /// rise. Near the axis the holder model pools a few pixels over many slices (up to <see cref="MinShellValues"/>
    /// values), and where a specimen makes up four in ten of them the pooled quartile rises by half a sigma: the rise
    /// spreads well beyond the specimen's ends. Locally — the lower quartile of the pixels within
    /// <paramref name="axisBins"/> of the axis in a slice and its two neighbours — it does not. A risen slice stays
    /// filled when that local quartile stands <paramref name="threshold"/> above its median over the slices that are
    /// neither risen nor air (the medium as it is); with fewer than <see cref="MinReferenceSlices"/> of those, nothing
    /// is narrowed.
    /// </summary>
    private static bool[] LocallyRisen(VolumeSample sample, HolderModel holder, int axisBins, bool[] risen, bool[] air, double threshold)
    {
        var nz = sample.Shape.Z;
        var plane = sample.Shape.Y * sample.Shape.X;
        var near = Enumerable.Range(0, plane).Where(p => holder.Bin[p] < axisBins).ToArray();
        var values = new List<float>(3 * near.Length);
        var quartile = new float[nz];
        for (var z = 0; z < nz; z++)
        {
            values.Clear();
            for (var k = Math.Max(0, z - 1); k <= Math.Min(nz - 1, z + 1); k++)
            {
                foreach (var p in near)
                {
                    var v = sample.Data[(k * plane) + p];
                    if (float.IsFinite(v))
                    {
                        values.Add(v);
                    }
                }
            }
            values.Sort();
            quartile[z] = values.Count == 0 ? float.NaN : values[(values.Count - 1) / 4];
        }
        var medium = Enumerable.Range(0, nz).Where(z => !risen[z] && !air[z] && float.IsFinite(quartile[z])).Select(z => quartile[z]).Order().ToArray();
        if (medium.Length < MinReferenceSlices)
        {
            return risen;
        }
        var level = medium[medium.Length / 2] + threshold;
        // A slice with no finite pixel near the axis keeps the pooled verdict.
        return Enumerable.Range(0, nz).Select(z => risen[z] && !(quartile[z] < level)).ToArray();
    }

    /// <summary>
    /// Input-voxel box of sample slices <paramref name="low"/>..<paramref name="high"/> (widened by a stride) and the
    /// disc about the rotation axis out to <paramref name="radiusBins"/> radial bins (plus a stride).
    /// </summary>
    private static VoxelBox DiscBox(VolumeSample sample, int low, int high, int radiusBins)
    {
        var stride = sample.Stride;
        var source = sample.SourceShape;
        var radius = (double)radiusBins / BinsPerVoxel * stride;
        AxisRange Disc(int length) => new(
            Math.Max(0, (int)Math.Floor(((length - 1) / 2.0) - radius - stride)),
            Math.Min(length, (int)Math.Ceiling(((length - 1) / 2.0) + radius + stride) + 1));
        return new VoxelBox(
            new(Math.Max(0, (low - 1) * stride + 1), Math.Min(source.Z, (high + 1) * stride)),
            Disc(source.Y), Disc(source.X));
    }

    /// <summary>
    /// Per radial bin, the median level over the slices no filled run (widened by the shell window) reaches and that
    /// are not <paramref name="air"/>: the holder as it is where nothing fills it — its medium, not the air above a
    /// tube's surface or below its end, against which the whole medium would stand out. Null when fewer than
    /// <see cref="MinReferenceSlices"/> such slices remain.
    /// </summary>
    private static float[]? HolderReference(float[][] levels, List<(int First, int Last, int RadiusBins)> runs, int window, bool[] air)
    {
        var nz = levels.Length;
        var free = Enumerable.Range(0, nz).Where(z => !air[z] && !runs.Any(r => z >= r.First - window && z <= r.Last + window)).ToArray();
        if (free.Length < MinReferenceSlices)
        {
            return null;
        }
        var bins = levels[0].Length;
        var reference = new float[bins];
        var column = new float[free.Length];
        for (var b = 0; b < bins; b++)
        {
            for (var i = 0; i < free.Length; i++)
            {
                column[i] = levels[free[i]][b];
            }
            Array.Sort(column);
            reference[b] = column[free.Length / 2];
        }
        return reference;
    }

    /// <summary>
    /// The residual with a filled run's shells measured against the holder's level where nothing fills it
    /// (<see cref="Filling.Reference"/>, never above the run's own level), out to the run's risen radius and over the
    /// run widened by the shell window: the specimen that hid in its own shell level shows with its true outline.
    /// </summary>
    private static float[] Unhidden(VolumeSample sample, HolderModel holder, float[] residual, Filling filling, float[] reference)
    {
        var nz = sample.Shape.Z;
        var plane = sample.Shape.Y * sample.Shape.X;
        var window = ShellWindow(nz);
        var unhidden = (float[])residual.Clone();
        var data = sample.Data;
        foreach (var (first, last, radiusBins) in filling.Runs)
        {
            var reach = radiusBins + BinsPerVoxel;
            for (var z = Math.Max(0, first - window); z <= Math.Min(nz - 1, last + window); z++)
            for (var p = 0; p < plane; p++)
            {
                var b = holder.Bin[p];
                var v = data[(z * plane) + p];
                if (b < reach && float.IsFinite(v))
                {
                    unhidden[(z * plane) + p] = v - Math.Min(holder.Levels[z][b], reference[b]);
                }
            }
        }
        return unhidden;
    }

    /// <summary>Where the radial profile stands this many voxel-noise sigmas above the rim's air, something is there.</summary>
    private const double SolidEdgeSigmas = 3.0;

    /// <summary>
    /// Inside a container whose wall begins at bin <paramref name="wall"/>: the outer bin of the outermost band of
    /// shells, at least <see cref="MinBandVoxels"/> thick, standing <see cref="RisenSigmas"/> above the medium —
    /// a specimen round about the axis that fills its shells (a hollow one too); 0 when none.
    /// </summary>
    private static int DenserBand(float[] level, int wall, float interior, double noise)
    {
        var from = Math.Max(0, wall - 2);
        if (from < MinBandVoxels)
        {
            return 0;
        }
        // The medium: just inside the wall, or the interior's typical level where that is higher (a dark halo
        // beside a bright wall is not the medium).
        var medium = Math.Max(interior, level[from..wall].Order().ElementAt((wall - from) / 2));
        int outer = 0, run = 0;
        for (var b = 0; b < from; b++)
        {
            run = level[b] >= medium + (RisenSigmas * noise) ? run + 1 : 0;
            outer = run >= MinBandVoxels ? b + 1 : outer;
        }
        return outer;
    }

    /// <summary>A band of shells denser than the medium must be this many voxels thick (a ring artefact is thinner).</summary>
    private const int MinBandVoxels = 3;

    /// <summary>Shells this many voxel-noise sigmas above the medium just inside the wall are denser than it.</summary>
    private const double RisenSigmas = 2.0;

    /// <summary>A container wall differs from the material just inside it by at least this many voxel-noise sigmas.</summary>
    private const double WallSigmas = 0.5;

    /// <summary>
    /// The holder model takes whatever is symmetric about the axis for holder — right for a tube's wall and medium,
    /// wrong for a specimen that is itself round about the axis: a drilled core, a rod or a plug standing in air, a
    /// bone shaft or a capsule centred in a tube. It vanishes into its own shell levels and leaves only its
    /// inclusions, or the parts of its outline off the round, as evidence, and a box around those would cut it.
    /// Each slice's own radial profile (lower quartile per one-voxel shell) tells: a tube shows its wall at the edge
    /// of the symmetric material — a band brighter or (inside the edge's own fall) darker than the material inside
    /// it — and a solid does not; inside a tube, away from its ends, a band of shells at least
    /// <see cref="MinBandVoxels"/> thick standing <see cref="RisenSigmas"/> above the medium is a specimen filling
    /// them. Per slice whose rim is air: the solid's edge or the band's outer shell, in voxels (0: neither; see
    /// <see cref="RoundSpecimenBox"/>). A core with a bright rind, or a
    /// phase-contrast fringe at its edge, reads as a tube; a solid inside a tube that fills it to the wall reads as
    /// its medium (see README).
    /// </summary>
    private static int[]? RoundSpecimenRadii(VolumeSample sample, AxisRings rings, double noise)
    {
        var (nz, ny, nx) = (sample.Shape.Z, sample.Shape.Y, sample.Shape.X);
        var rim = (Math.Min(ny, nx) / 2) - 1;
        if (rim < 8 || !(noise > 0))
        {
            return null;
        }
        // Each slice's own shells (one voxel wide, no pooling along z): near the axis the holder model pools many
        // slices, which would carry a medium's level into the air above its surface.
        var levels = SliceShellQuartiles(sample, rings);
        var within = Math.Min(levels[0].Length, rim);
        var rimFrom = rim - 3;
        static float Median(IEnumerable<float> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? float.NaN : sorted[sorted.Length / 2];
        }
        var rims = new float[nz];
        for (var z = 0; z < nz; z++)
        {
            rims[z] = Median(levels[z][rimFrom..within]);
        }
        var air = rims.Min();
        // The outer edge of the symmetric material in each slice whose rim is air (-1: none, or rim not air).
        var outer = new int[nz];
        for (var z = 0; z < nz; z++)
        {
            var edge = within - 1;
            while (edge > 0 && levels[z][edge] < rims[z] + (SolidEdgeSigmas * noise))
            {
                edge--;
            }
            outer[z] = rims[z] <= air + noise && edge >= 4 ? edge : -1;
        }
        var window = ShellWindow(nz);
        bool Steady(int z) => Enumerable.Range(Math.Max(0, z - window), Math.Min(nz - 1, z + window) - Math.Max(0, z - window) + 1)
            .All(k => outer[k] >= 0 && Math.Abs(outer[k] - outer[z]) <= 1);
        var edges = new int[nz];
        for (var z = 0; z < nz; z++)
        {
            var level = levels[z];
            var edge = outer[z];
            if (edge < 0)
            {
                continue;
            }
            var interior = Median(level[(int)(0.3 * edge)..((int)(0.7 * edge) + 1)]);
            var band = Math.Max(2, (int)(0.15 * edge));
            var bright = level[(edge - band)..(edge + 1)].Max() >= interior + (WallSigmas * noise);
            var inside = level[(edge - band)..Math.Max(edge - band + 1, edge - 1)];
            var dark = inside.Min() <= interior - (WallSigmas * noise);
            if (interior >= rims[z] + (SolidEdgeSigmas * noise) && !bright && !dark)
            {
                edges[z] = edge;
            }
            else if ((bright || dark) && Steady(z))
            {
                // Inside a container, away from its ends (where the wall turns and the shells lag behind it).
                edges[z] = DenserBand(level, edge - band, interior, noise);
            }
        }
        return edges;
    }

    /// <summary>
    /// The box of <see cref="RoundSpecimenRadii"/>: runs of slices longer than a tube's end is thick (widened by the
    /// shell window), the disc out to their largest radius; slices <paramref name="hide"/> accepts do not count.
    /// </summary>
    private static VoxelBox? RoundSpecimenBox(VolumeSample sample, int[]? radii, Func<int, bool>? hide)
    {
        if (radii is null)
        {
            return null;
        }
        var nz = radii.Length;
        var window = ShellWindow(nz);
        var thin = (2 * window) + 3;
        int low = int.MaxValue, high = -1, radius = 0;
        foreach (var (first, last) in FlagRuns.Of([.. radii.Select((r, z) => r > 0 && !(hide?.Invoke(z) ?? false))], thin + 1))
        {
            (low, high) = (Math.Min(low, Math.Max(0, first - window)), Math.Max(high, Math.Min(nz - 1, last + window)));
            for (var k = first; k <= last; k++)
            {
                radius = Math.Max(radius, radii[k] + 1);
            }
        }
        return high < 0 ? null : DiscBox(sample, low, high, radius * BinsPerVoxel);
    }

    /// <summary>Per axial slice and one-voxel radial shell about the axis: the lower quartile of the shell's voxels in that slice.</summary>
    private static float[][] SliceShellQuartiles(VolumeSample sample, AxisRings rings)
    {
        var (nz, plane) = (sample.Shape.Z, sample.Shape.Y * sample.Shape.X);
        var pixels = rings.Pixels;
        var shells = pixels.Length;
        var quartiles = new float[nz][];
        var values = new List<float>();
        for (var z = 0; z < nz; z++)
        {
            quartiles[z] = new float[shells];
            for (var r = 0; r < shells; r++)
            {
                values.Clear();
                foreach (var p in pixels[r])
                {
                    var v = sample.Data[(z * plane) + p];
                    if (float.IsFinite(v))
                    {
                        values.Add(v);
                    }
                }
                values.Sort();
                quartiles[z][r] = values.Count == 0 ? float.NaN : values[(values.Count - 1) / 4];
            }
        }
        return quartiles;
    }

    /// <summary>
    /// In a holder scan the rim of the field of view is air (or a faint tube edge): darker than the slice's interior.
    /// Where, in at least half the slices, the outermost full shells are within one noise sigma of the interior's level
    /// or above it, the view cuts through the object (or there is nothing but air): lateral evidence is not trusted.
    /// Slices whose typical level is the volume's lowest — the air above a short tube in a tall view, the air inside a
    /// tube below or above its medium — have no vote while other slices hold something: otherwise a holder filling a
    /// third of the scan, or a tube whose medium fills a third of it, would count as cut. When every slice is at that
    /// level (nothing but air, or one material filling the view) every slice votes.
    /// </summary>
    private static bool IsTruncated(VolumeSample sample, HolderModel holder, double noise, bool[] silent)
    {
        var (nz, ny, nx) = (sample.Shape.Z, sample.Shape.Y, sample.Shape.X);
        var rim = (Math.Min(ny, nx) / 2) - 1;
        if (rim < 8 || !(noise > 0))
        {
            return true;
        }
        var within = Math.Min(holder.Levels[0].Length, BinsPerVoxel * rim);
        var outer = new List<float>();
        var inner = new List<float>();
        static float Median(List<float> values)
        {
            values.Sort();
            return values[values.Count / 2];
        }
        int cut = 0, votes = 0;
        for (var z = 0; z < nz; z++)
        {
            if (silent[z])
            {
                continue;
            }
            outer.Clear();
            inner.Clear();
            for (var b = 0; b < within; b++)
            {
                (b >= BinsPerVoxel * (rim - 3) ? outer : b < BinsPerVoxel * rim / 2 ? inner : null)?.Add(holder.Levels[z][b]);
            }
            cut += Median(outer) >= Median(inner) - noise ? 1 : 0;
            votes++;
        }
        return 2 * cut >= votes;
    }

    /// <summary>
    /// Slices whose typical level (the median of their shell levels out to the view's rim) is within three voxel-noise
    /// sigmas of the air at the rim (the median over slices of the outermost full shells' level) or below it — air
    /// above a short tube, or inside a tube above or below its medium — while other slices hold something; none when
    /// every slice is at that level (nothing but air, one material filling the view, or a tube as wide as the view).
    /// </summary>
    private static bool[] AirSlices(VolumeSample sample, HolderModel holder, double noise)
    {
        var nz = sample.Shape.Z;
        var rim = (Math.Min(sample.Shape.Y, sample.Shape.X) / 2) - 1;
        var within = Math.Clamp(BinsPerVoxel * rim, 1, holder.Levels[0].Length);
        var outerFrom = Math.Clamp(BinsPerVoxel * (rim - 3), 0, within - 1);
        var typical = new float[nz];
        var outer = new float[nz];
        var shells = new float[within];
        for (var z = 0; z < nz; z++)
        {
            Array.Copy(holder.Levels[z], shells, within);
            Array.Sort(shells, outerFrom, within - outerFrom);
            outer[z] = shells[(outerFrom + within) / 2];
            Array.Sort(shells);
            typical[z] = shells[within / 2];
        }
        Array.Sort(outer);
        var rimAir = outer[nz / 2];
        var air = typical.Select(level => level <= rimAir + (3 * noise)).ToArray();
        return air.All(a => a) ? new bool[nz] : air;
    }

    /// <summary>
    /// <see cref="LowerHalfSigma"/> of the residual inside the reconstruction circle (two voxels in from the rim): a
    /// masked reconstruction's constant corners would pull it towards zero.
    /// </summary>
    private static double InViewSigma(float[] residual, VolumeSample sample, AxisRings rings)
    {
        var (nz, ny, nx) = (sample.Shape.Z, sample.Shape.Y, sample.Shape.X);
        var radius = (Math.Min(ny, nx) / 2.0) - 2;
        var plane = Enumerable.Range(0, ny * nx).Where(p => rings.RadiusOf[p] < radius).ToArray();
        var inside = new float[nz * plane.Length];
        var k = 0;
        for (var z = 0; z < nz; z++)
        {
            foreach (var p in plane)
            {
                inside[k++] = residual[(z * ny * nx) + p];
            }
        }
        return LowerHalfSigma(inside);
    }

    /// <summary>Robust sigma from the lower half of the values (median − lower quartile), which the denser specimen leaves alone.</summary>
    private static double LowerHalfSigma(float[] values)
    {
        var step = Math.Max(1, values.Length / (1 << 20));
        var sorted = new List<float>(values.Length / step + 1);
        for (var i = 0; i < values.Length; i += step)
        {
            if (float.IsFinite(values[i]))
            {
                sorted.Add(values[i]);
            }
        }
        if (sorted.Count < 16)
        {
            return double.NaN;
        }
        sorted.Sort();
        return (sorted[sorted.Count / 2] - sorted[sorted.Count / 4]) / 0.6745;
    }

    /// <summary>Slices on either side pooled into an axial slice's shell levels.</summary>
    private static int ShellWindow(int nz) => Math.Max(2, (nz + 31) / 32);

    /// <summary>
    /// At most three sample slices thick (one slice after the 3×3×3 mean): a bad projection's streak or a drifting
    /// ring in one slice, not a body — a specimen is thicker than a few voxels along z.
    /// </summary>
    private static bool IsSingleSlice(List<int> members, int plane)
    {
        int low = int.MaxValue, high = -1;
        foreach (var i in members)
        {
            (low, high) = (Math.Min(low, i / plane), Math.Max(high, i / plane));
        }
        return high - low < 3;
    }

    /// <summary>Shells with fewer values per z window widen the window.</summary>
    private const int MinShellValues = 256;

    /// <summary>Radial bins per voxel: fine enough that one bin does not straddle a sharp wall edge by much.</summary>
    private const int BinsPerVoxel = 4;

    /// <summary>
    /// Each voxel minus the holder's level at its distance from the rotation axis: the <paramref name="quantile"/> of
    /// its quarter-voxel radial shell over a window of axial slices, maximised over shells within half a voxel, so a sharp wall edge,
    /// whose pixels sit at slightly different radii, does not print itself as a bright ring.
    /// </summary>
    public static float[] WithoutShells(VolumeSample sample, double quantile) => WithoutShells(sample, HolderLevels(sample, quantile));

    private static float[] WithoutShells(VolumeSample sample, HolderModel holder)
    {
        var (nz, plane) = (sample.Shape.Z, sample.Shape.Y * sample.Shape.X);
        var data = sample.Data;
        var residual = new float[data.Length];
        for (var z = 0; z < nz; z++)
        for (var p = 0; p < plane; p++)
        {
            var v = data[z * plane + p];
            residual[z * plane + p] = float.IsFinite(v) ? v - holder.Levels[z][holder.Bin[p]] : 0f;
        }
        return residual;
    }

    /// <summary>The holder's level per axial sample slice and radial bin, and each in-plane pixel's bin.</summary>
    private sealed record HolderModel(float[][] Levels, int[] Bin);

    private static HolderModel HolderLevels(VolumeSample sample, double quantile)
    {
        var (nz, ny, nx) = (sample.Shape.Z, sample.Shape.Y, sample.Shape.X);
        var (cy, cx) = AxisInSample(sample);
        var plane = ny * nx;
        var bin = new int[plane];
        var bins = 0;
        for (var y = 0; y < ny; y++)
        for (var x = 0; x < nx; x++)
        {
            bin[y * nx + x] = (int)(BinsPerVoxel * Math.Sqrt(((y - cy) * (y - cy)) + ((x - cx) * (x - cx))));
            bins = Math.Max(bins, bin[y * nx + x] + 1);
        }
        var data = sample.Data;
        var window = ShellWindow(nz);
        var pixels = new List<int>[bins];
        for (var b = 0; b < bins; b++)
        {
            pixels[b] = [];
        }
        for (var p = 0; p < plane; p++)
        {
            pixels[bin[p]].Add(p);
        }
        // A shell with few pixels per slice (near the axis, in the corners) needs more values: a low quantile of a
        // handful of noisy values sits below the level and lights the shell up. It takes the larger of two pooled
        // levels: along z (a wider window: robust to sharp ring artefacts) and across radii up to two voxels (robust
        // to a medium surface or tube end, which a wide z window would blur).
        var halfWindow = pixels.Select(list => list.Count == 0 ? 0
            : Math.Max(window, (int)Math.Ceiling(((double)MinShellValues / list.Count - 1) / 2))).ToArray();
        var values = new List<float>();
        var shells = new List<float>[bins];
        for (var b = 0; b < bins; b++)
        {
            shells[b] = [];
        }
        float Quantile(List<float> list)
        {
            list.Sort();
            return list.Count == 0 ? float.NaN : list[(int)Math.Round(quantile * (list.Count - 1))];
        }
        void Gather(List<float> into, int b, int from, int to)
        {
            for (var k = Math.Max(0, from); k <= Math.Min(nz - 1, to); k++)
            {
                foreach (var p in pixels[b])
                {
                    var v = data[k * plane + p];
                    if (float.IsFinite(v))
                    {
                        into.Add(v);
                    }
                }
            }
        }
        var levels = new float[nz][];
        for (var z = 0; z < nz; z++)
        {
            var quantiles = new float[bins];
            for (var b = 0; b < bins; b++)
            {
                shells[b].Clear();
                Gather(shells[b], b, z - window, z + window);
            }
            for (var b = 0; b < bins; b++)
            {
                values.Clear();
                values.AddRange(shells[b]);
                if (values.Count >= MinShellValues || values.Count == 0 && pixels[b].Count == 0)
                {
                    quantiles[b] = Quantile(values);
                    continue;
                }
                for (var k = 1; k <= 2 * BinsPerVoxel && values.Count < MinShellValues; k++)
                {
                    values.AddRange(b - k >= 0 ? shells[b - k] : []);
                    values.AddRange(b + k < bins ? shells[b + k] : []);
                }
                var acrossRadii = Quantile(values);
                values.Clear();
                Gather(values, b, z - halfWindow[b], z + halfWindow[b]);
                var alongZ = Quantile(values);
                quantiles[b] = float.IsNaN(acrossRadii) ? alongZ : float.IsNaN(alongZ) ? acrossRadii : Math.Max(acrossRadii, alongZ);
            }
            levels[z] = ShellLevels(quantiles);
        }
        return new HolderModel(levels, bin);
    }

    /// <summary>Each shell's level: the largest quantile within half a voxel of radius (NaN shells skipped).</summary>
    private static float[] ShellLevels(float[] quantiles)
    {
        var bins = quantiles.Length;
        var level = new float[bins];
        const int reach = BinsPerVoxel / 2;
        for (var b = 0; b < bins; b++)
        {
            var best = float.NegativeInfinity;
            for (var k = Math.Max(0, b - reach); k <= Math.Min(bins - 1, b + reach); k++)
            {
                if (float.IsFinite(quantiles[k]))
                {
                    best = Math.Max(best, quantiles[k]);
                }
            }
            level[b] = float.IsFinite(best) ? best : 0f;
        }
        return level;
    }

    /// <summary>Mean over the 3×3×3 neighbourhood (clipped at the borders): separable running sums.</summary>
    public static float[] BoxMean3(float[] data, int nz, int ny, int nx)
    {
        var a = (float[])data.Clone();
        var b = new float[data.Length];
        void Pass(float[] from, float[] to, int count, int step, int lines, Func<int, int> origin)
        {
            for (var line = 0; line < lines; line++)
            {
                var o = origin(line);
                for (var k = 0; k < count; k++)
                {
                    double sum = 0;
                    var n = 0;
                    for (var d = Math.Max(0, k - 1); d <= Math.Min(count - 1, k + 1); d++)
                    {
                        sum += from[o + d * step];
                        n++;
                    }
                    to[o + k * step] = (float)(sum / n);
                }
            }
        }
        Pass(a, b, nx, 1, nz * ny, line => line * nx);
        Pass(b, a, ny, nx, nz * nx, line => (line / nx * ny * nx) + (line % nx));
        Pass(a, b, nz, ny * nx, ny * nx, line => line);
        return b;
    }
}
