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
/// of the standard deviation of the samples below threshold (the background) and a robust difference-based
/// noise estimate (median |v[i+L] − v[i]| / (0.6745·√2), largest over lags L = 1, 2, 4, … ≤ n/8: insensitive
/// to the object's edges, sensitive to slowly wandering backgrounds); the object's own structure does not
/// count as noise. White noise alone separates by ~1.6, a background smoothed over 9 samples by ≤ ~2.5. d &lt; MinContrast keeps the
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
                return max > min ? min + (options.Value * (max - min)) : null;
            case ThresholdRule.Otsu:
                return Otsu.Threshold(values, options.OtsuBins);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Rule, "unknown threshold rule");
        }
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
        var separation = Separation(values, above);
        var confidence = ConfidenceOf(separation);
        if (!(separation >= options.MinContrast))
        {
            return Whole(full, confidence,
                $"no clear object: separation {Format(separation)} below {Format(options.MinContrast)} noise units");
        }

        var runs = MergeShortGaps(Runs(above), positions, axisLength, options);
        var (first, last) = KeptSpan(runs, positions, axisLength, options.ComparableRunFraction);

        // Conservative mapping: include the neighbouring below-threshold samples; the unsampled end of an
        // axis beyond a run that reaches the first/last sample belongs to the object.
        var touchesStart = first == 0;
        var touchesEnd = last == n - 1;
        var start = touchesStart ? 0 : positions[first - 1];
        var stop = touchesEnd ? axisLength : positions[last + 1] + 1;
        var margin = (long)options.MarginVoxels + (long)Math.Ceiling(options.MarginPercent / 100.0 * (stop - start));
        var range = new AxisRange((int)Math.Max(0, start - margin), (int)Math.Min(axisLength, stop + margin));

        var detected = $"object at {start}:{stop} (threshold {Format(level)}, separation {Format(separation)}), margin {margin}";
        var reason = (touchesStart || touchesEnd)
            ? $"object touches the {(touchesStart && touchesEnd ? "both borders" : touchesStart ? "lower border" : "upper border")}: kept to the border; {detected}"
            : detected;
        return new AxisDecision(range, confidence, range == full, reason);
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

    /// <summary>(mean above − mean below) / noise; +∞ for a noise-free step.</summary>
    private static double Separation(float[] values, bool[] above)
    {
        double sumIn = 0, sumOut = 0;
        int nIn = 0, nOut = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (above[i]) { sumIn += values[i]; nIn++; }
            else { sumOut += values[i]; nOut++; }
        }
        double meanIn = sumIn / nIn, meanOut = sumOut / nOut, squares = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!above[i])
            {
                squares += (values[i] - meanOut) * (values[i] - meanOut);
            }
        }
        // The specimen's own structure (bright and dim parts) is not noise: only the background's spread
        // and the neighbour-difference estimate count.
        var noise = Math.Max(Math.Sqrt(squares / nOut), DifferenceNoise(values));
        var gap = meanIn - meanOut;
        if (noise <= 0)
        {
            return gap > 0 ? double.PositiveInfinity : 0;
        }
        return gap / noise;
    }

    /// <summary>
    /// Robust noise sigma from differences at lags 1, 2, 4, … up to n/8: median |v[i+L] − v[i]| / (0.6745·√2),
    /// the largest over the lags. The median ignores the few pairs that straddle the object's edges; the longer
    /// lags catch slowly wandering (correlated) backgrounds that neighbour differences alone would miss.
    /// </summary>
    private static double DifferenceNoise(float[] values)
    {
        var best = 0.0;
        var maxLag = Math.Max(1, values.Length / 8);
        for (var lag = 1; lag <= maxLag; lag *= 2)
        {
            var diffs = new double[values.Length - lag];
            for (var i = 0; i < diffs.Length; i++)
            {
                diffs[i] = Math.Abs((double)values[i + lag] - values[i]);
            }
            Array.Sort(diffs);
            var mid = diffs.Length / 2;
            var median = diffs.Length % 2 == 1 ? diffs[mid] : 0.5 * (diffs[mid - 1] + diffs[mid]);
            best = Math.Max(best, median / (0.6745 * Math.Sqrt(2)));
        }
        return best;
    }

    /// <summary>Runs of consecutive above-threshold samples, as inclusive sample-index pairs.</summary>
    private static List<(int First, int Last)> Runs(bool[] above)
    {
        var runs = new List<(int, int)>();
        for (var i = 0; i < above.Length; i++)
        {
            if (!above[i])
            {
                continue;
            }
            var first = i;
            while (i + 1 < above.Length && above[i + 1])
            {
                i++;
            }
            runs.Add((first, i));
        }
        return runs;
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
