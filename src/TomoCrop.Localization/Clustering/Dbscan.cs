namespace TomoCrop.Localization.Clustering;

/// <summary>DBSCAN's outcome per point: cluster index (0, 1, …) or <see cref="Dbscan.Noise"/>, and whether it is a core point.</summary>
public sealed record DbscanResult(int[] Labels, bool[] IsCore)
{
    public int ClusterCount => Labels.Length == 0 ? 0 : Labels.Max() + 1;

    /// <summary>Points per cluster, indexed by cluster.</summary>
    public int[] ClusterSizes()
    {
        var sizes = new int[ClusterCount];
        foreach (var label in Labels)
        {
            if (label >= 0)
            {
                sizes[label]++;
            }
        }
        return sizes;
    }
}

/// <summary>
/// DBSCAN (Ester et al. 1996), Euclidean: a point with at least minSamples points (itself included) within ε is a
/// core point; clusters are core points linked by ε-neighbourhoods plus the non-core points within ε of one (border
/// points, which join the first cluster that reaches them); the rest is noise. Written here, O(n²·d), because the
/// point sets are small (a few thousand superpixels) and a package would add a dependency for one function.
/// </summary>
public static class Dbscan
{
    public const int Noise = -1;

    public static DbscanResult Cluster(IReadOnlyList<float[]> points, double epsilon, int minSamples)
    {
        if (epsilon <= 0 || minSamples < 1)
        {
            throw new ArgumentException("ε must be > 0 and min samples >= 1");
        }
        var n = points.Count;
        var neighbours = Neighbourhoods(points, epsilon);
        var isCore = neighbours.Select(list => list.Count >= minSamples).ToArray();
        var labels = Enumerable.Repeat(Noise, n).ToArray();
        var cluster = 0;
        var frontier = new Queue<int>();
        for (var seed = 0; seed < n; seed++)
        {
            if (!isCore[seed] || labels[seed] != Noise)
            {
                continue;
            }
            labels[seed] = cluster;
            frontier.Enqueue(seed);
            while (frontier.TryDequeue(out var point))
            {
                foreach (var other in neighbours[point])
                {
                    if (labels[other] != Noise)
                    {
                        continue;
                    }
                    labels[other] = cluster;
                    if (isCore[other])
                    {
                        frontier.Enqueue(other);
                    }
                }
            }
            cluster++;
        }
        return new DbscanResult(labels, isCore);
    }

    /// <summary>For each point, the indices within ε (itself included).</summary>
    private static List<int>[] Neighbourhoods(IReadOnlyList<float[]> points, double epsilon)
    {
        var n = points.Count;
        var limit = epsilon * epsilon;
        var result = new List<int>[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = [i];
        }
        for (var i = 0; i < n; i++)
        {
            var a = points[i];
            for (var j = i + 1; j < n; j++)
            {
                if (SquaredDistance(a, points[j], limit) <= limit)
                {
                    result[i].Add(j);
                    result[j].Add(i);
                }
            }
        }
        return result;
    }

    /// <summary>Squared distance, stopping early once it exceeds <paramref name="limit"/> (most pairs are far apart).</summary>
    private static double SquaredDistance(float[] a, float[] b, double limit)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("points must have the same dimension");
        }
        double sum = 0;
        for (var k = 0; k < a.Length; k++)
        {
            double d = a[k] - b[k];
            sum += d * d;
            if (sum > limit)
            {
                return sum;
            }
        }
        return sum;
    }
}
