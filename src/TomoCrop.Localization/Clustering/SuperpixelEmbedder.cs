using TomoCrop.Models;
using static TorchSharp.torch;

namespace TomoCrop.Localization.Clustering;

/// <summary>One superpixel: a cell of the last conv feature map of one slice, and where that slice lies.</summary>
/// <param name="Axis">Slicing axis (0 = z).</param>
/// <param name="Slice">Slice index in the subsample.</param>
/// <param name="Embedding">The feature vector at that cell (EmbeddingChannels values).</param>
public sealed record Superpixel(int Axis, int Slice, float[] Embedding);

/// <summary>
/// Superpixel embeddings (paper §2.2): each slice is prepared exactly as for training (holder suppression,
/// per-slice normalisation, square crop, inscribed circle), paired with its next neighbour as the second channel and
/// unrotated — the input both pretexts train on — and run through the trunk (<see cref="ResNet.Embed"/>); every
/// spatial cell of the last feature map is one superpixel. A slice longer than square is covered by several square
/// tiles, so no part of it goes unseen. <see cref="InputScale"/> enlarges the input to get a finer grid of cells
/// (the trunk is fully convolutional; the compact net gives 2×2 cells at its 64-px training size, 4×4 at 2×).
/// </summary>
public sealed class SuperpixelEmbedder(LoadedModel model, int inputScale = 2, bool scalePerVolume = true, int batchSize = 64)
{
    private readonly PairPreprocessing settings = model.Metadata.Preprocessing with
    {
        InputSize = model.Metadata.Preprocessing.InputSize * inputScale,
    };

    public int InputScale => inputScale;

    /// <summary>
    /// One intensity scale for every slice of the volume (1 / the holder-suppressed sample's standard deviation)
    /// instead of each slice's own: per-slice normalisation blows an empty slice's noise up to the object's contrast, so
    /// background superpixels stop being alike; with one scale they stay faint and dense, as §2.2 presumes.
    /// </summary>
    public bool ScalePerVolume => scalePerVolume;

    /// <summary>Superpixels of the slices <paramref name="indices"/> across <paramref name="axis"/> of a holder-suppressed sample.</summary>
    public List<Superpixel> Embed(VolumeSample sample, int axis, IReadOnlyList<int> indices, CancellationToken cancellationToken = default)
    {
        var length = sample.Shape[axis];
        var preparation = scalePerVolume ? model.Metadata.Preprocessing with { NormalizePerSlice = false } : model.Metadata.Preprocessing;
        var scale = scalePerVolume ? InverseStd(sample.Data) : 1f;
        var prepared = new Dictionary<int, SliceImage>();
        SliceImage Prepared(int index)
        {
            if (!prepared.TryGetValue(index, out var slice))
            {
                slice = SliceBackground.Prepare(sample.Slice(axis, index), preparation);
                if (scale != 1f)
                {
                    for (var i = 0; i < slice.Pixels.Length; i++)
                    {
                        slice.Pixels[i] *= scale;
                    }
                }
                prepared[index] = slice;
            }
            return slice;
        }

        var inputs = new List<(int Slice, PairSpec Pair)>();
        foreach (var index in indices)
        {
            var neighbour = index + 1 < length ? index + 1 : Math.Max(0, index - 1);
            var first = Prepared(index);
            foreach (var position in TilePositions(first.Rows, first.Cols))
            {
                inputs.Add((index, new PairSpec(first, Prepared(neighbour), position, 0, 0)));
            }
        }

        var result = new List<Superpixel>();
        using var _ = no_grad();
        for (var start = 0; start < inputs.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var chunk = inputs.GetRange(start, Math.Min(batchSize, inputs.Count - start));
            var input = PairBatch.Build(chunk.Select(c => c.Pair).ToList(), settings, model.Device);
            // (batch, C, h, w) -> (batch, h·w, C): one row per cell.
            var features = model.Network.Embed(input);
            var (channels, cells) = (features.shape[1], features.shape[2] * features.shape[3]);
            var rows = features.flatten(2).transpose(1, 2).contiguous().cpu().data<float>().ToArray();
            for (var b = 0; b < chunk.Count; b++)
            for (var cell = 0; cell < cells; cell++)
            {
                var offset = (b * cells + cell) * channels;
                result.Add(new Superpixel(axis, chunk[b].Slice, rows.AsSpan((int)offset, (int)channels).ToArray()));
            }
        }
        return result;
    }

    private static float InverseStd(float[] data)
    {
        using var values = tensor(data);
        var std = values.std(unbiased: false).item<float>();
        return std > 1e-12f ? 1 / std : 1f;
    }

    /// <summary>Crop positions (0..1 along the longer side) of the fewest square tiles that cover the slice.</summary>
    public static double[] TilePositions(int rows, int cols)
    {
        var (longer, shorter) = (Math.Max(rows, cols), Math.Min(rows, cols));
        var tiles = (longer + shorter - 1) / shorter;
        return tiles == 1 ? [0.5] : Enumerable.Range(0, tiles).Select(t => t / (double)(tiles - 1)).ToArray();
    }
}
