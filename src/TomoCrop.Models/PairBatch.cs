using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TomoCrop.Models;

/// <summary>
/// One pretext example before tensors: two prepared slices of the same shape, where to take the square crop along
/// the longer side (0..1), the common rotation β and the class angle α (the second slice is rotated by β+α).
/// </summary>
public sealed record PairSpec(SliceImage First, SliceImage Second, double CropPosition, double BetaDegrees, double AlphaDegrees);

/// <summary>A pair whose slices are already resampled to the working resolution (see <see cref="PairBatch.Resample"/>).</summary>
public sealed record ResampledPair(Tensor First, Tensor Second, double BetaDegrees, double AlphaDegrees);

/// <summary>
/// Turns pair specs into network input (batch, 2, N, N): square crop (never squash), resample to N*supersample,
/// rotate BOTH slices with the same bilinear interpolation (by β and β+α), area-average down to N, zero outside the
/// inscribed circle. Identical for training and inference.
/// </summary>
public static class PairBatch
{
    public static Tensor Build(IReadOnlyList<PairSpec> pairs, PairPreprocessing settings, Device device)
    {
        if (pairs.Count == 0)
        {
            throw new ArgumentException("no pairs");
        }
        using var scope = NewDisposeScope();
        var resampled = new List<ResampledPair>(pairs.Count);
        foreach (var pair in pairs)
        {
            if (pair.First.Rows != pair.Second.Rows || pair.First.Cols != pair.Second.Cols)
            {
                throw new ArgumentException("the two slices of a pair must have the same shape");
            }
            resampled.Add(new ResampledPair(
                Resample(pair.First, pair.CropPosition, settings), Resample(pair.Second, pair.CropPosition, settings),
                pair.BetaDegrees, pair.AlphaDegrees));
        }
        return Rotate(resampled, settings, device).MoveToOuterDisposeScope();
    }

    /// <summary>Square crop of one slice resampled to the working resolution (InputSize*Supersample), shape (W, W), on the CPU.</summary>
    public static Tensor Resample(SliceImage slice, double cropPosition, PairPreprocessing settings)
    {
        var working = settings.InputSize * settings.Supersample;
        using var scope = NewDisposeScope();
        var side = Math.Min(slice.Rows, slice.Cols);
        var square = Crop(slice, side, cropPosition);
        var result = side == working
            ? square.clone()
            : F.interpolate(square.unsqueeze(0).unsqueeze(0), [working, working],
                mode: side > working ? InterpolationMode.Area : InterpolationMode.Bilinear,
                align_corners: side > working ? null : false)[0, 0];
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Rotates resampled pairs (first by β, second by β+α), averages down to InputSize and masks the inscribed circle.</summary>
    public static Tensor Rotate(IReadOnlyList<ResampledPair> pairs, PairPreprocessing settings, Device device)
    {
        using var scope = NewDisposeScope();
        var firsts = stack(pairs.Select(p => p.First).ToArray()).unsqueeze(1).to(device);
        var seconds = stack(pairs.Select(p => p.Second).ToArray()).unsqueeze(1).to(device);
        var first = Rotate(firsts, pairs.Select(p => p.BetaDegrees), device);
        var second = Rotate(seconds, pairs.Select(p => p.BetaDegrees + p.AlphaDegrees), device);
        var rotated = cat([first, second], 1);
        var pooled = settings.Supersample > 1 ? F.avg_pool2d(rotated, settings.Supersample) : rotated;
        var result = pooled * CircleMask(settings.InputSize, device);
        return result.MoveToOuterDisposeScope();
    }

    private static Tensor Crop(SliceImage slice, int side, double position)
    {
        var image = from_array(slice.Pixels).reshape(slice.Rows, slice.Cols);
        var top = (int)Math.Round(Math.Clamp(position, 0, 1) * (slice.Rows - side));
        var left = (int)Math.Round(Math.Clamp(position, 0, 1) * (slice.Cols - side));
        return image.narrow(0, top, side).narrow(1, left, side);
    }

    private static Tensor Rotate(Tensor images, IEnumerable<double> degrees, Device device)
    {
        var angles = degrees.ToArray();
        var theta = new float[angles.Length * 6];
        for (var i = 0; i < angles.Length; i++)
        {
            var radians = angles[i] * Math.PI / 180;
            var (sin, cos) = Math.SinCos(radians);
            theta[i * 6 + 0] = (float)cos;
            theta[i * 6 + 1] = (float)-sin;
            theta[i * 6 + 3] = (float)sin;
            theta[i * 6 + 4] = (float)cos;
        }
        var thetaTensor = from_array(theta).reshape(angles.Length, 2, 3).to(device);
        var grid = F.affine_grid(thetaTensor, images.shape, align_corners: false);
        return F.grid_sample(images, grid, mode: GridSampleMode.Bilinear, padding_mode: GridSamplePaddingMode.Zeros, align_corners: false);
    }

    private static Tensor CircleMask(int size, Device device)
    {
        var mask = new float[size * size];
        var centre = (size - 1) / 2.0;
        var radius = size / 2.0;
        for (var r = 0; r < size; r++)
        for (var c = 0; c < size; c++)
        {
            mask[r * size + c] = (r - centre) * (r - centre) + (c - centre) * (c - centre) <= radius * radius ? 1f : 0f;
        }
        return from_array(mask).reshape(1, 1, size, size).to(device);
    }
}
