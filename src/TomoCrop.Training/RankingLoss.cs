using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TomoCrop.Training;

/// <summary>
/// The sorting pretext's pairwise margin ranking loss (paper eq. 2): for every pair with y_i &lt; y_j the score of the
/// later slice should exceed the earlier one's by the margin, max(0, m − (f_j − f_i)).
/// <para>
/// Eq. 2 as printed also sums max(0, m) over the pairs with y_i ≥ y_j (their indicator is 0); those terms are constant,
/// carry no gradient, and are dropped. The sum is divided by the number of ordered pairs, bs(bs−1)/2, so the loss and
/// its gradient do not grow with the batch size; 0 means every pair is ordered with at least the margin.
/// </para>
/// </summary>
public static class RankingLoss
{
    public const double DefaultMargin = 0.1;

    /// <param name="scores">f(x), shape (bs).</param>
    /// <param name="ranks">y: each slice's rank by position along the axis (0 = first), shape (bs), int64, distinct.</param>
    public static Tensor Pairwise(Tensor scores, Tensor ranks, double margin = DefaultMargin)
    {
        if (scores.dim() != 1 || ranks.dim() != 1 || scores.shape[0] != ranks.shape[0])
        {
            throw new ArgumentException("scores and ranks must be vectors of the same length");
        }
        if (scores.shape[0] < 2)
        {
            throw new ArgumentException("ranking needs at least two slices");
        }
        using var scope = NewDisposeScope();
        // later[i, j] = f_j − f_i; ordered[i, j] = y_i < y_j.
        var later = scores.unsqueeze(0) - scores.unsqueeze(1);
        var ordered = ranks.unsqueeze(1).lt(ranks.unsqueeze(0));
        var hinge = F.relu(margin - later);
        var loss = hinge.masked_select(ordered).mean();
        return loss.MoveToOuterDisposeScope();
    }
}
