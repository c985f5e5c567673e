using static TorchSharp.torch;

namespace TomoCrop.Training.Tests;

/// <summary>The sorting pretext's loss and control metric against values worked out by hand.</summary>
public class RankingLossTests
{
    [Fact]
    public void Pairwise_loss_matches_a_hand_computed_three_slice_example()
    {
        // Slices in true order 0, 1, 2 with scores 0.3, 0.0, 0.25 and m = 0.1. Ordered pairs (y_i < y_j):
        // (0,1): max(0, 0.1 − (0.0 − 0.3)) = 0.4; (0,2): max(0, 0.1 − (0.25 − 0.3)) = 0.15; (1,2): max(0, 0.1 − 0.25) = 0.
        // Mean over the 3 ordered pairs: 0.55 / 3.
        using var scores = tensor(new[] { 0.3f, 0.0f, 0.25f });
        using var ranks = tensor(new long[] { 0, 1, 2 });
        using var loss = RankingLoss.Pairwise(scores, ranks, margin: 0.1);
        Assert.Equal(0.55 / 3, loss.item<float>(), 5);
    }

    [Fact]
    public void Pairwise_loss_is_zero_only_when_every_pair_is_ordered_by_at_least_the_margin()
    {
        // Batch order differs from the true order: ranks [2, 0, 1]; scores follow the ranks 0.2 apart.
        using var ordered = tensor(new[] { 0.4f, 0.0f, 0.2f });
        using var ranks = tensor(new long[] { 2, 0, 1 });
        using var zero = RankingLoss.Pairwise(ordered, ranks, margin: 0.1);
        Assert.Equal(0, zero.item<float>(), 6);
        // Gaps of 0.2 against a margin of 0.3: each adjacent pair pays 0.1, the outer pair (gap 0.4) nothing: 0.2 / 3.
        using var tight = RankingLoss.Pairwise(ordered, ranks, margin: 0.3);
        Assert.Equal(0.2 / 3, tight.item<float>(), 5);
    }

    [Fact]
    public void The_loss_pushes_scores_towards_the_true_order()
    {
        using var scores = tensor(new[] { 0.5f, 0.0f }, requires_grad: true);
        using var ranks = tensor(new long[] { 0, 1 });
        using var loss = RankingLoss.Pairwise(scores, ranks);
        loss.backward();
        var gradient = scores.grad!.data<float>().ToArray();
        // Slice 0 comes first, so its score must go down and slice 1's up: gradient descent moves against the gradient.
        Assert.True(gradient[0] > 0 && gradient[1] < 0, $"gradient {string.Join(", ", gradient)}");
    }

    [Fact]
    public void Mean_displacement_matches_hand_computed_examples()
    {
        // Scores 0.3, 0.0, 0.25 rank as 2, 0, 1; true ranks 0, 1, 2: |2−0| + |0−1| + |1−2| = 4, over 3 slices.
        Assert.Equal(4.0 / 3, SlicePositions.MeanDisplacement([0.3f, 0.0f, 0.25f], [0, 1, 2]), 10);
        Assert.Equal(0, SlicePositions.MeanDisplacement([5f, -1f, 2f], [2, 0, 1]), 10);
        // A reversed order of four: |3−0| + |2−1| + |1−2| + |0−3| = 8, over 4.
        Assert.Equal(2, SlicePositions.MeanDisplacement([4f, 3f, 2f, 1f], [0, 1, 2, 3]), 10);
    }

    [Fact]
    public void Ranks_are_the_inverse_of_the_sorting_permutation_and_ties_keep_input_order()
    {
        Assert.Equal([2, 0, 1], SlicePositions.Ranks([30, 10, 20]));
        Assert.Equal([0, 2, 1], SlicePositions.Ranks([1.0, 5.0, 1.0]));
    }

    [Fact]
    public void A_random_order_displaces_by_n_squared_minus_one_over_3n_on_average()
    {
        Assert.Equal(143.0 / 36, SlicePositions.RandomOrderDisplacement(12), 10);
        var random = new Random(5);
        var ranks = Enumerable.Range(0, 12).ToArray();
        var mean = Enumerable.Range(0, 20000)
            .Select(_ => SlicePositions.MeanDisplacement(Enumerable.Range(0, 12).Select(_ => (float)random.NextDouble()).ToArray(), ranks))
            .Average();
        Assert.Equal(143.0 / 36, mean, 1);
    }
}
