using TomoCrop.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TomoCrop.Localization.Rotation;

/// <summary>
/// The paper's uncertainty transfer: for slice i along an axis, the probability the network gives the correct
/// class for the pair (slice i, slice i±1) rotated by each angle of the table, averaged over the table.
/// Pairs are prepared exactly as in training; inference runs batched, without gradients, in dispose scopes.
/// </summary>
public sealed class CertaintyProfiler(LoadedModel model, int batchSize = 64)
{
    private readonly PairPreprocessing settings = model.Metadata.Preprocessing;

    /// <summary>Certainty at each of <paramref name="indices"/> (slice indices of <paramref name="sample"/> across <paramref name="axis"/>).</summary>
    public float[] Profile(VolumeSample sample, int axis, IReadOnlyList<int> indices, CancellationToken cancellationToken = default)
    {
        var length = sample.Shape[axis];
        // Each slice appears in |A| pairs as first and up to |A| as partner: prepare and resample it once.
        using var outer = NewDisposeScope();
        var resampled = new Dictionary<int, Tensor>();
        Tensor Resampled(int index)
        {
            if (!resampled.TryGetValue(index, out var slice))
            {
                slice = PairBatch.Resample(SliceBackground.Prepare(sample.Slice(axis, index), settings), 0.5, settings);
                resampled[index] = slice;
            }
            return slice;
        }

        var angles = settings.AnglesDegrees;
        var specs = new List<ResampledPair>(indices.Count * angles.Length);
        foreach (var index in indices)
        {
            var partner = index + 1 < length ? index + 1 : Math.Max(0, index - 1);
            for (var k = 0; k < angles.Length; k++)
            {
                // Fixed, varied common rotations: every class sees a different β, none a multiple of 90°.
                var beta = 17.0 + k * (360.0 / angles.Length);
                specs.Add(new ResampledPair(Resampled(index), Resampled(partner), beta, angles[k]));
            }
        }

        var correct = new float[specs.Count];
        using (no_grad())
        {
            for (var start = 0; start < specs.Count; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var count = Math.Min(batchSize, specs.Count - start);
                var input = PairBatch.Rotate(specs.GetRange(start, count), settings, model.Device);
                var probabilities = nn.functional.softmax(model.Network.forward(input), 1).cpu();
                var labels = Enumerable.Range(start, count).Select(i => (long)(i % angles.Length)).ToArray();
                var picked = probabilities.gather(1, tensor(labels).unsqueeze(1)).squeeze(1).data<float>().ToArray();
                picked.CopyTo(correct, start);
            }
        }
        var profile = new float[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            float sum = 0;
            for (var k = 0; k < angles.Length; k++)
            {
                sum += correct[i * angles.Length + k];
            }
            profile[i] = sum / angles.Length;
        }
        return profile;
    }
}
