using TomoCrop.Models;

namespace TomoCrop.Training;

/// <summary>
/// Background-suppressed, normalised slices of the training subsamples, prepared on first use and cached while all
/// of them would fit <see cref="CacheBudgetBytes"/> (3 axes × each subsample): samplers revisit the same slices.
/// </summary>
public sealed class PreparedSlices(IReadOnlyList<VolumeSample> volumes, PairPreprocessing settings)
{
    public const long CacheBudgetBytes = 1L << 30;

    private readonly Dictionary<(int Volume, int Axis, int Index), SliceImage>? cache =
        volumes.Sum(v => 3L * v.Shape.VoxelCount * sizeof(float)) <= CacheBudgetBytes ? [] : null;

    public IReadOnlyList<VolumeSample> Volumes => volumes;

    public SliceImage Get(int volume, int axis, int index)
    {
        if (cache is not null && cache.TryGetValue((volume, axis, index), out var cached))
        {
            return cached;
        }
        var slice = SliceBackground.Prepare(volumes[volume].Slice(axis, index), settings);
        cache?.Add((volume, axis, index), slice);
        return slice;
    }
}
