namespace TomoCrop.Training;

/// <summary>
/// Ranks and the sorting pretext's control metric. The paper writes labels y = argsort(η) and predictions
/// ξ = argsort(f(x)); here both are read as ranks (the place each slice takes in sorted order, i.e. the inverse of the
/// sorting permutation), so |y_i − ξ_i| is how many places slice i is predicted away from where it belongs.
/// </summary>
public static class SlicePositions
{
    /// <summary>Rank of each value (0 = smallest); ties keep their input order.</summary>
    public static int[] Ranks<T>(IReadOnlyList<T> values) where T : IComparable<T>
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ThenBy(i => i).ToArray();
        var ranks = new int[values.Count];
        for (var place = 0; place < order.Length; place++)
        {
            ranks[order[place]] = place;
        }
        return ranks;
    }

    /// <summary>Mean displacement (1/bs) Σ |y_i − ξ_i| with ξ the ranks of the predicted scores.</summary>
    public static double MeanDisplacement(IReadOnlyList<float> scores, IReadOnlyList<int> ranks)
    {
        if (scores.Count != ranks.Count || scores.Count == 0)
        {
            throw new ArgumentException("scores and ranks must be non-empty and of the same length");
        }
        var predicted = Ranks(scores);
        return predicted.Select((p, i) => (double)Math.Abs(p - ranks[i])).Average();
    }

    /// <summary>
    /// Share of slice pairs whose scores are in their positions' order: 1 = sorted, 0.5 = a random order. A tie counts
    /// half, so a network that collapsed to one score for every slice scores as chance, not as all wrong.
    /// </summary>
    public static double PairwiseAccuracy(IReadOnlyList<float> scores, IReadOnlyList<int> ranks)
    {
        if (scores.Count != ranks.Count || scores.Count < 2)
        {
            throw new ArgumentException("scores and ranks must have the same length, at least two");
        }
        double right = 0;
        var pairs = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            for (var j = i + 1; j < scores.Count; j++)
            {
                var order = Math.Sign(ranks[j] - ranks[i]) * Math.Sign(scores[j] - scores[i]);
                right += order > 0 ? 1 : order == 0 ? 0.5 : 0;
                pairs++;
            }
        }
        return right / pairs;
    }

    /// <summary>Expected mean displacement of a uniformly random order of n slices: (n² − 1) / 3n.</summary>
    public static double RandomOrderDisplacement(int n) => n < 1 ? 0 : (n * (double)n - 1) / (3.0 * n);
}
