namespace TomoCrop.Localization.Clustering;

/// <summary>How well the linear classifier reproduces the DBSCAN labels on volumes it was not fitted on.</summary>
/// <param name="FoldAuroc">AUROC of each fold (fit on the other cases, scored on this fold's cases); NaN where a class was absent.</param>
public sealed record ProbeValidationResult(double[] FoldAuroc, int Cases, int Superpixels)
{
    public double MeanAuroc => FoldAuroc.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
}

/// <summary>
/// Two-fold validation of <see cref="LinearProbe"/> on per-volume clustering results: cases alternate between the folds
/// (so neither fold is all of one kind when the set is ordered), the probe is fitted on one fold's superpixels and
/// labels and scored by AUROC against DBSCAN's labels on the other's.
/// </summary>
public static class ProbeValidation
{
    public static ProbeValidationResult TwoFold(IReadOnlyList<ClusteringAnalysis> cases, int seed = 1)
    {
        if (cases.Count < 2)
        {
            throw new ArgumentException("two-fold validation needs at least two cases");
        }
        var auroc = new double[2];
        for (var fold = 0; fold < 2; fold++)
        {
            var fit = cases.Where((_, i) => i % 2 != fold).ToList();
            var test = cases.Where((_, i) => i % 2 == fold).ToList();
            var probe = LinearProbe.Fit(fit.SelectMany(c => c.Features).ToList(), fit.SelectMany(c => c.IsObject).ToList(), seed: seed);
            auroc[fold] = Auroc.Compute(probe.Predict(test.SelectMany(c => c.Features).ToList()), test.SelectMany(c => c.IsObject).ToList());
        }
        return new ProbeValidationResult(auroc, cases.Count, cases.Sum(c => c.IsObject.Length));
    }
}
