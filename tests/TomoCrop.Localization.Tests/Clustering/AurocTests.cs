using TomoCrop.Localization.Clustering;

namespace TomoCrop.Localization.Tests.Clustering;

public class AurocTests
{
    [Fact]
    public void Auroc_counts_correctly_ordered_positive_negative_pairs_and_ties_as_half()
    {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered.
        Assert.Equal(0.75, Auroc.Compute([0.1f, 0.4f, 0.35f, 0.8f], [false, false, true, true]), 10);
        Assert.Equal(1.0, Auroc.Compute([0.1f, 0.9f], [false, true]), 10);
        Assert.Equal(0.0, Auroc.Compute([0.9f, 0.1f], [false, true]), 10);
        Assert.Equal(0.5, Auroc.Compute([0.5f, 0.5f], [true, false]), 10);
        Assert.True(double.IsNaN(Auroc.Compute([0.5f, 0.7f], [true, true])));
    }

    [Fact]
    public void The_linear_probe_learns_a_linearly_separable_labelling()
    {
        var random = new Random(3);
        var features = Enumerable.Range(0, 200).Select(_ => new[] { (float)random.NextDouble() * 2 - 1, (float)random.NextDouble() * 2 - 1 }).ToList();
        var labels = features.Select(f => f[0] + 0.5f * f[1] > 0.6f).ToList();
        var probe = LinearProbe.Fit(features, labels);
        Assert.True(Auroc.Compute(probe.Predict(features), labels) > 0.99);
    }
}
