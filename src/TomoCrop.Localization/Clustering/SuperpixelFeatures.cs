namespace TomoCrop.Localization.Clustering;

/// <summary>
/// Makes one volume's embeddings comparable under a fixed ε: each feature standardized (zero mean, unit variance over
/// the volume's superpixels), then the vector divided by √d, so the Euclidean distance is the root-mean-square
/// per-feature difference in standard deviations. ε = 0.5 then reads "within half a standard deviation on average":
/// independent points sit ~1.4 apart, while the background — homogeneous, so tightly packed relative to the object's
/// spread, which dominates each feature's variance (paper §2.2) — forms dense clusters.
/// </summary>
public static class SuperpixelFeatures
{
    public static List<float[]> Standardize(IReadOnlyList<float[]> embeddings)
    {
        if (embeddings.Count == 0)
        {
            return [];
        }
        var dimension = embeddings[0].Length;
        var mean = new double[dimension];
        var squares = new double[dimension];
        foreach (var e in embeddings)
        {
            for (var k = 0; k < dimension; k++)
            {
                mean[k] += e[k];
                squares[k] += (double)e[k] * e[k];
            }
        }
        var scale = new double[dimension];
        for (var k = 0; k < dimension; k++)
        {
            mean[k] /= embeddings.Count;
            var std = Math.Sqrt(Math.Max(0, squares[k] / embeddings.Count - mean[k] * mean[k]));
            // A feature constant over the volume carries no information: it contributes zero, not a division by zero.
            scale[k] = std > 1e-8 ? 1 / (std * Math.Sqrt(dimension)) : 0;
        }
        return embeddings.Select(e =>
        {
            var f = new float[dimension];
            for (var k = 0; k < dimension; k++)
            {
                f[k] = (float)((e[k] - mean[k]) * scale[k]);
            }
            return f;
        }).ToList();
    }
}
