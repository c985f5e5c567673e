namespace TomoCrop.Localization.Profiles;

/// <summary>
/// Otsu's threshold on a histogram of values: the level that maximises the between-class variance of the
/// two classes "below" and "at or above". Used on 1-D profiles and on projection images alike.
/// </summary>
public static class Otsu
{
    /// <summary>
    /// The threshold for <paramref name="values"/> (non-finite values are ignored), as the lower edge of the
    /// first histogram bin of the upper class: a value counts as "above" when it is &gt;= the result.
    /// Returns null when fewer than two distinct finite values exist (no split is possible).
    /// </summary>
    public static double? Threshold(ReadOnlySpan<float> values, int bins = 128)
    {
        if (bins < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), "Otsu needs at least 2 histogram bins");
        }
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        if (!(max > min))
        {
            return null;
        }
        var histogram = new long[bins];
        var width = (max - min) / bins;
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                histogram[Bin(v, min, width, bins)]++;
            }
        }
        var split = BestSplit(histogram);
        return min + (split * width);
    }

    /// <summary>Histogram bin of <paramref name="value"/>; the maximum falls in the last bin.</summary>
    private static int Bin(double value, double min, double width, int bins) =>
        Math.Clamp((int)((value - min) / width), 0, bins - 1);

    /// <summary>Index k of the first bin of the upper class that maximises between-class variance (1 ≤ k &lt; bins).</summary>
    private static int BestSplit(long[] histogram)
    {
        double total = 0, weightedTotal = 0;
        for (var i = 0; i < histogram.Length; i++)
        {
            total += histogram[i];
            weightedTotal += (double)i * histogram[i];
        }
        double lowerCount = 0, lowerSum = 0, bestVariance = -1;
        var best = 1;
        for (var k = 1; k < histogram.Length; k++)
        {
            lowerCount += histogram[k - 1];
            lowerSum += (double)(k - 1) * histogram[k - 1];
            var upperCount = total - lowerCount;
            if (lowerCount == 0 || upperCount == 0)
            {
                continue;
            }
            var meanLower = lowerSum / lowerCount;
            var meanUpper = (weightedTotal - lowerSum) / upperCount;
            var variance = lowerCount * upperCount * (meanLower - meanUpper) * (meanLower - meanUpper);
            // Strictly greater: among equal splits (empty bins between the classes) keep the lowest level,
            // which classifies more as "above" — the lossless side.
            if (variance > bestVariance)
            {
                bestVariance = variance;
                best = k;
            }
        }
        return best;
    }
}
