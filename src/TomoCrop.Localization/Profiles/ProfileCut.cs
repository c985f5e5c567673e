using System.Globalization;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Profiles;

/// <summary>
/// Turns a per-axis profile (a score per sampled slice) into the kept range along that axis, losing nothing
/// when in doubt.
/// <para>
/// Steps: threshold by the chosen rule; find runs of consecutive samples at or above it; merge runs split by
/// short gaps (<see cref="ProfileCutOptions.MaxGapSamples"/>, <see cref="ProfileCutOptions.MaxGapPercent"/>);
/// keep the largest run and every run of comparable size, plus everything between them; map that span to
/// voxels reaching out to the neighbouring below-threshold samples (or to the axis border when the span
/// touches the first/last sample); add margins; clamp to [0, axisLength).
/// </para>
/// <para>
/// Separation d = (mean of samples ≥ threshold − mean of samples below) / noise, where noise is the larger
/// of the standard deviation of the samples below threshold (the background) and robust difference-based
/// noise estimates (median |v[i+L] − v[i]| / (0.6745·√2): neighbours over the whole profile, and lags
/// L = 1, 2, 4, … ≤ n/8 over background pairs, for slowly wandering backgrounds); the object's own structure
/// does not count as noise. White noise alone separates by ~1.6 (max ~2.1 in 300 trials of 150 samples); a
/// background smoothed over 9 samples by ~2.5 typically, ~3.0 at the 90th percentile. d &lt; MinContrast keeps the
/// whole axis. Confidence = d² / (d² + 9): 0.5 at three noise units, 0.8 at six, 1 for a noise-free step.
/// </para>
/// </summary>
public static class ProfileCut
{
    /// <summary>The level a sample must reach (≥) to count as specimen under <paramref name="options"/>; null when none can be set (constant or empty profile).</summary>
    public static double? Threshold(ReadOnlySpan<float> values, ProfileCutOptions options)
    {
        switch (options.Rule)
        {
            case ThresholdRule.Absolute:
                return options.Value;
            case ThresholdRule.FractionOfMax:
                double min = double.PositiveInfinity, max = double.NegativeInfinity;
                foreach (var v in values)
                {
                    if (float.IsFinite(v))
                    {
                        min = Math.Min(min, v);
                        max = Math.Max(max, v);
                    }
                }
                return max > min ? AboveBackground(min + (options.Value * (max - min)), values.ToArray(), options) : null;
            case ThresholdRule.Otsu:
                return DescendingOtsu(values.ToArray(), options) is double level ? AboveBackground(level, values.ToArray(), options) : null;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Rule, "unknown threshold rule");
        }
    }

    /// <summary>
    /// <paramref name="level"/>, raised to the background (<see cref="ProfileCutOptions.BackgroundQuantile"/> of the
    /// values) plus <see cref="ProfileCutOptions.BackgroundSigmas"/> neighbour-difference sigmas, capped at
    /// <see cref="ProfileCutOptions.BackgroundCeiling"/>; never lowered.
    /// </summary>
    private static double AboveBackground(double level, float[] values, ProfileCutOptions options)
    {
        var finite = values.Where(float.IsFinite).ToArray();
        if (!(options.BackgroundSigmas > 0) || finite.Length < 2)
        {
            return level;
        }
        Array.Sort(finite);
        var background = finite[(int)(Math.Clamp(options.BackgroundQuantile, 0, 1) * (finite.Length - 1))];
        var floor = background + (options.BackgroundSigmas * NeighbourSigma(values));
        return Math.Max(level, Math.Min(floor, options.BackgroundCeiling));
    }

    /// <summary>Separation d → confidence in [0, 1]: d² / (d² + 9).</summary>
    public static double ConfidenceOf(double separation) =>
        double.IsPositiveInfinity(separation) ? 1.0
        : separation <= 0 || double.IsNaN(separation) ? 0.0
        : separation * separation / ((separation * separation) + 9.0);

    /// <summary>
    /// The kept range along one axis. The threshold is computed from <paramref name="options"/>
    /// (<see cref="AxisProfile.Threshold"/> is for display; fill it with <see cref="Threshold"/>).
    /// </summary>
    public static AxisDecision Decide(AxisProfile profile, int axisLength, ProfileCutOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        Validate(profile, axisLength);
        var full = new AxisRange(0, axisLength);
        var positions = profile.Positions;
        var values = profile.Values;
        var n = values.Length;

        if (n < Math.Max(2, options.MinSamples))
        {
            return Whole(full, 0, $"no clear object: only {n} profile samples (need {Math.Max(2, options.MinSamples)})");
        }
        if (values.Any(v => !float.IsFinite(v)))
        {
            return Whole(full, 0, "no clear object: profile has non-finite values");
        }
        var threshold = Threshold(values, options);
        if (threshold is not double level)
        {
            return Whole(full, 0, "no clear object: flat profile");
        }
        var above = values.Select(v => v >= level).ToArray();
        var aboveCount = above.Count(a => a);
        if (aboveCount == 0)
        {
            return Whole(full, 0, $"no clear object: no sample reaches the threshold {Format(level)}");
        }
        if (aboveCount == n)
        {
            return Whole(full, 0, $"no clear object: every sample reaches the threshold {Format(level)}");
        }
        var separation = Separation(values, level);
        var confidence = ConfidenceOf(separation);
        if (!(separation >= options.MinContrast))
        {
            return Whole(full, confidence,
                $"no clear object: separation {Format(separation)} below {Format(options.MinContrast)} noise units");
        }

        var runs = MergeShortGaps([.. FlagRuns.Of(above)], positions, axisLength, options);
        var (first, last) = KeptSpan(runs, positions, axisLength, options.ComparableRunFraction);

        // Conservative mapping: include the neighbouring below-threshold samples; the unsampled end of an
        // axis beyond a run that reaches the first/last sample belongs to the object.
        var touchesStart = first == 0;
        var touchesEnd = last == n - 1;
        var (start, stop) = SamplesToVoxels(first, last, positions, axisLength);
        var margin = Margin(stop - start, options);
        var range = WithMargin(new AxisRange(start, stop), axisLength, options);
        if (touchesStart || touchesEnd)
        {
            // An object reaching one border may fill the view: a sliver cut at the other end is not worth the risk.
            var sliver = options.MinCutPercent / 100.0 * axisLength;
            range = new AxisRange(range.Start < sliver ? 0 : range.Start, axisLength - range.Stop < sliver ? axisLength : range.Stop);
        }

        var detected = $"object at {start}:{stop} (threshold {Format(level)}, separation {Format(separation)}), margin {margin}";
        var reason = (touchesStart || touchesEnd)
            ? $"object touches the {(touchesStart && touchesEnd ? "both borders" : touchesStart ? "lower border" : "upper border")}: kept to the border; {detected}"
            : detected;
        return new AxisDecision(range, confidence, range == full, reason);
    }

    /// <summary>
    /// Voxel range standing for samples first..last (inclusive): out to the neighbouring samples outside the
    /// span, or to the axis border when the span reaches the first/last sample (the unsampled end is unknown).
    /// </summary>
    internal static (int Start, int Stop) SamplesToVoxels(int first, int last, IReadOnlyList<int> positions, int axisLength) =>
        (first == 0 ? 0 : positions[first - 1], last == positions.Count - 1 ? axisLength : positions[last + 1] + 1);

    /// <summary>MarginVoxels + ceil(MarginPercent % of the extent), the margin added on each side.</summary>
    internal static long Margin(int extent, ProfileCutOptions options) =>
        (long)options.MarginVoxels + (long)Math.Ceiling(options.MarginPercent / 100.0 * extent);

    /// <summary><paramref name="detected"/> widened by <see cref="Margin"/> on both sides, clamped to [0, axisLength).</summary>
    internal static AxisRange WithMargin(AxisRange detected, int axisLength, ProfileCutOptions options)
    {
        var margin = Margin(detected.Length, options);
        return new AxisRange((int)Math.Max(0, detected.Start - margin), (int)Math.Min(axisLength, detected.Stop + margin));
    }

    private static AxisDecision Whole(AxisRange full, double confidence, string reason) =>
        new(full, Math.Min(confidence, 0.5), true, reason);

    private static void Validate(AxisProfile profile, int axisLength)
    {
        if (axisLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(axisLength), axisLength, "axis length must be positive");
        }
        if (profile.Positions.Length != profile.Values.Length)
        {
            throw new ArgumentException($"profile of axis {profile.Axis} has {profile.Positions.Length} positions but {profile.Values.Length} values", nameof(profile));
        }
        for (var i = 0; i < profile.Positions.Length; i++)
        {
            var p = profile.Positions[i];
            if (p < 0 || p >= axisLength || (i > 0 && p <= profile.Positions[i - 1]))
            {
                throw new ArgumentException($"profile positions of axis {profile.Axis} must increase strictly within [0, {axisLength})", nameof(profile));
            }
        }
    }

    /// <summary>
    /// Otsu's threshold, then lowered while the class below it still splits clearly (separation ≥ MinContrast,
    /// at least two samples on each side): with a dim part and a bright part (shell and core, holder and
    /// specimen) plain Otsu cuts between the two bright levels; the descent stops just above the background.
    /// </summary>
    private static double? DescendingOtsu(float[] values, ProfileCutOptions options)
    {
        if (Otsu.Threshold(values, options.OtsuBins) is not double level)
        {
            return null;
        }
        while (true)
        {
            var below = values.Where(v => v < level && float.IsFinite(v)).ToArray();
            if (Otsu.Threshold(below, options.OtsuBins) is not double lower)
            {
                return level;
            }
            var upper = below.Count(v => v >= lower);
            if (upper < 2 || below.Length - upper < 2 || !(Separation(values, lower, level) >= options.MinContrast))
            {
                return level;
            }
            level = lower;
        }
    }

    /// <summary>
    /// Among the samples below <paramref name="ceiling"/>: (mean of those ≥ level − mean of those below level)
    /// / noise, noise = max(spread of the samples below level, <see cref="NoiseFloor"/>); +∞ for a noise-free
    /// step, 0 when one side is empty.
    /// </summary>
    private static double Separation(float[] values, double level, double ceiling = double.PositiveInfinity)
    {
        double sumIn = 0, sumOut = 0;
        int nIn = 0, nOut = 0;
        foreach (var v in values)
        {
            if (v >= ceiling || !float.IsFinite(v)) continue;
            if (v >= level) { sumIn += v; nIn++; }
            else { sumOut += v; nOut++; }
        }
        if (nIn == 0 || nOut == 0)
        {
            return 0;
        }
        double meanIn = sumIn / nIn, meanOut = sumOut / nOut, squares = 0;
        foreach (var v in values)
        {
            if (v < level && float.IsFinite(v))
            {
                squares += (v - meanOut) * (v - meanOut);
            }
        }
        // The specimen's own structure (bright and dim parts) is not noise: only the background's spread
        // and the difference-based estimates count.
        var noise = Math.Max(Math.Sqrt(squares / nOut), NoiseFloor(values, level, ceiling));
        var gap = meanIn - meanOut;
        if (noise <= 0)
        {
            return gap > 0 ? double.PositiveInfinity : 0;
        }
        return gap / noise;
    }

    /// <summary>
    /// Robust noise sigma from sample differences, median |v[i+L] − v[i]| / (0.6745·√2): the larger of
    /// (a) the neighbour estimate over pairs with at least one sample among those being split (below
    /// <paramref name="ceiling"/>): white noise, with the median ignoring the few pairs straddling edges, and a
    /// noise-free bright plateau unable to drag it to zero; and (b) the estimates at lags L = 1, 2, 4, … ≤ n/8
    /// over pairs that both lie in the background (below <paramref name="level"/>), which catch a slowly
    /// wandering background without counting the specimen's or holder's structure as noise.
    /// </summary>
    private static double NoiseFloor(float[] values, double level, double ceiling)
    {
        if (values.Length < 2)
        {
            return 0;
        }
        var best = MedianSigma(values, 1, i => values[i] < ceiling || values[i + 1] < ceiling);
        var maxLag = Math.Max(1, values.Length / 8);
        for (var lag = 1; lag <= maxLag; lag *= 2)
        {
            best = Math.Max(best, MedianSigma(values, lag, i => values[i] < level && values[i + lag] < level));
        }
        return best;
    }

    /// <summary>The profile's noise: the median difference of neighbouring samples, as a Gaussian sigma.</summary>
    internal static double NeighbourSigma(float[] values) => MedianSigma(values, 1, _ => true);

    /// <summary>At most this many pairs per lag (evenly strided): keeps large inputs (projection images) cheap.</summary>
    private const int MaxPairs = 1 << 16;

    private static double MedianSigma(float[] values, int lag, Func<int, bool> use)
    {
        var pairs = values.Length - lag;
        var stride = Math.Max(1, pairs / MaxPairs);
        var diffs = new List<double>(Math.Min(pairs, MaxPairs + 1));
        for (var i = 0; i < pairs; i += stride)
        {
            if (use(i) && float.IsFinite(values[i]) && float.IsFinite(values[i + lag]))
            {
                diffs.Add(Math.Abs((double)values[i + lag] - values[i]));
            }
        }
        if (diffs.Count == 0)
        {
            return 0;
        }
        diffs.Sort();
        var mid = diffs.Count / 2;
        var median = diffs.Count % 2 == 1 ? diffs[mid] : 0.5 * (diffs[mid - 1] + diffs[mid]);
        return median / (0.6745 * Math.Sqrt(2));
    }

    private static List<(int First, int Last)> MergeShortGaps(
        List<(int First, int Last)> runs, int[] positions, int axisLength, ProfileCutOptions options)
    {
        var maxGapVoxels = options.MaxGapPercent / 100.0 * axisLength;
        var merged = new List<(int First, int Last)> { runs[0] };
        foreach (var run in runs.Skip(1))
        {
            var previous = merged[^1];
            var gapSamples = run.First - previous.Last - 1;
            var gapVoxels = positions[run.First] - positions[previous.Last] - 1;
            if (gapSamples <= options.MaxGapSamples || gapVoxels <= maxGapVoxels)
            {
                merged[^1] = (previous.First, run.Last);
            }
            else
            {
                merged.Add(run);
            }
        }
        return merged;
    }

    /// <summary>First and last sample of the span covering the largest run and all runs comparable to it.</summary>
    private static (int First, int Last) KeptSpan(
        List<(int First, int Last)> runs, int[] positions, int axisLength, double comparableFraction)
    {
        var lengths = runs.Select(r => CoveredLength(r, positions, axisLength)).ToArray();
        var largest = lengths.Max();
        int first = int.MaxValue, last = int.MinValue;
        for (var i = 0; i < runs.Count; i++)
        {
            if (lengths[i] >= comparableFraction * largest)
            {
                first = Math.Min(first, runs[i].First);
                last = Math.Max(last, runs[i].Last);
            }
        }
        return (first, last);
    }

    /// <summary>
    /// Voxels a run stands for: each sample covers half the distance to its neighbours (the axis ends for the
    /// first and last sample), so strided or uneven sampling weighs runs by the length they span.
    /// </summary>
    private static double CoveredLength((int First, int Last) run, int[] positions, int axisLength)
    {
        double lower = run.First == 0 ? 0 : 0.5 * (positions[run.First - 1] + positions[run.First]);
        double upper = run.Last == positions.Length - 1 ? axisLength : 0.5 * (positions[run.Last] + positions[run.Last + 1]) + 1;
        return upper - lower;
    }

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "inf" : value.ToString("G4", CultureInfo.InvariantCulture);
}
