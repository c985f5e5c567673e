using TomoCrop.Models;

namespace TomoCrop.Training;

/// <summary>
/// Draws eq. 3 examples: a volume and an axis at random, η ~ N(l/2, spread·l) clamped, σ uniform in
/// ±[1, MaxPairOffset] (reflected to stay inside), class c ~ U(0, |A|), common rotation β ~ U(0, 360).
/// Slices are background-suppressed and normalised before the pair is built.
/// </summary>
public sealed class RotationPairSampler(IReadOnlyList<VolumeSample> volumes, PairPreprocessing settings, double etaSpread, Random random)
{
    /// <summary>Prepared slices are cached while all of them would fit this budget (3 axes × each subsample).</summary>
    public const long CacheBudgetBytes = 1L << 30;

    private readonly Dictionary<(int Volume, int Axis, int Index), SliceImage>? cache =
        volumes.Sum(v => 3L * v.Shape.VoxelCount * sizeof(float)) <= CacheBudgetBytes ? [] : null;

    private SliceImage Prepared(int volume, int axis, int index)
    {
        if (cache is not null && cache.TryGetValue((volume, axis, index), out var cached))
        {
            return cached;
        }
        var slice = SliceBackground.Prepare(volumes[volume].Slice(axis, index), settings);
        cache?.Add((volume, axis, index), slice);
        return slice;
    }

    public (PairSpec Pair, int Label) Next()
    {
        var volumeIndex = random.Next(volumes.Count);
        var volume = volumes[volumeIndex];
        var axis = random.Next(3);
        var length = volume.Shape[axis];
        var eta = (int)Math.Round(length / 2.0 + Gaussian() * etaSpread * length);
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

    private double Gaussian()
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
