using TomoCrop.Models;

namespace TomoCrop.Training;

/// <summary>
/// Draws eq. 3 examples: a volume and an axis at random, η ~ N(l/2, spread·l) clamped, σ uniform in
/// ±[1, MaxPairOffset] (reflected to stay inside), class c ~ U(0, |A|), common rotation β ~ U(0, 360).
/// Slices are background-suppressed and normalised before the pair is built.
/// </summary>
public sealed class RotationPairSampler(IReadOnlyList<VolumeSample> volumes, PairPreprocessing settings, double etaSpread, Random random)
{
    /// <summary>Kept for callers of the earlier name; the cache itself lives in <see cref="PreparedSlices"/>.</summary>
    public const long CacheBudgetBytes = PreparedSlices.CacheBudgetBytes;

    private readonly PreparedSlices prepared = new(volumes, settings);

    private SliceImage Prepared(int volume, int axis, int index) => prepared.Get(volume, axis, index);

    public (PairSpec Pair, int Label) Next()
    {
        var volumeIndex = random.Next(volumes.Count);
        var volume = volumes[volumeIndex];
        var axis = random.Next(3);
        var length = volume.Shape[axis];
        var eta = (int)Math.Round(length / 2.0 + random.NextGaussian() * etaSpread * length);
        eta = Math.Clamp(eta, 0, length - 1);
        var offset = 1 + random.Next(Math.Min(settings.MaxPairOffset, Math.Max(1, length - 1)));
        var other = random.Next(2) == 0 ? eta + offset : eta - offset;
        if (other < 0 || other >= length)
        {
            other = eta + (eta + offset < length ? offset : -offset);
        }
        other = Math.Clamp(other, 0, length - 1);
        var label = random.Next(settings.AnglesDegrees.Length);
        var first = Prepared(volumeIndex, axis, eta);
        var second = Prepared(volumeIndex, axis, other);
        var pair = new PairSpec(first, second, random.NextDouble(), random.NextDouble() * 360, settings.AnglesDegrees[label]);
        return (pair, label);
    }
}
