using TomoCrop.Models;

namespace TomoCrop.Training;

/// <summary>One sorting example (eq. 1): bs slices of one volume along one axis, and each slice's rank by position.</summary>
/// <param name="Inputs">Network inputs: (slice η_i, slice η_i + 1), unrotated (β = α = 0).</param>
/// <param name="Positions">η_i, subsample slice indices, distinct.</param>
/// <param name="Ranks">y_i, the rank of η_i within the batch.</param>
public sealed record SortingBatch(int Volume, int Axis, IReadOnlyList<PairSpec> Inputs, int[] Positions, int[] Ranks);

/// <summary>
/// Draws eq. 1 batches: a volume and an axis at random, bs distinct positions η ~ N(l/2, spread·l) redrawn while
/// outside the axis (so the ends do not pile up, as clamping would), labels = their ranks. Each slice is fed with its
/// next neighbour as the second channel (the last slice with the one before): the 2-channel trunk the rotation task
/// uses, unchanged, and a little local 3-D context; no rotation, so no orientation cue either way.
/// </summary>
public sealed class SortingBatchSampler(PreparedSlices slices, int batchSize, double etaSpread, Random random)
{
    public SortingBatch Next()
    {
        var volume = random.Next(slices.Volumes.Count);
        var axis = random.Next(3);
        var length = slices.Volumes[volume].Shape[axis];
        var count = Math.Min(batchSize, length);
        var positions = new HashSet<int>();
        for (var attempt = 0; positions.Count < count && attempt < 100 * count; attempt++)
        {
            var eta = (int)Math.Round(length / 2.0 + random.NextGaussian() * etaSpread * length);
            if (eta >= 0 && eta < length)
            {
                positions.Add(eta);
            }
        }
        // A very narrow spread on a short axis may not yield enough distinct slices: fill uniformly.
        while (positions.Count < count)
        {
            positions.Add(random.Next(length));
        }
        var etas = positions.ToArray();
        var inputs = etas.Select(p => Input(volume, axis, p, length)).ToList();
        return new SortingBatch(volume, axis, inputs, etas, SlicePositions.Ranks(etas));
    }

    private PairSpec Input(int volume, int axis, int position, int length)
    {
        var neighbour = position + 1 < length ? position + 1 : Math.Max(0, position - 1);
        return new PairSpec(slices.Get(volume, axis, position), slices.Get(volume, axis, neighbour), random.NextDouble(), 0, 0);
    }
}
