using TomoCrop.Volumes;
using static TorchSharp.torch;

namespace TomoCrop.Models.Tests;

public class PairPreparationTests
{
    private static SliceImage Noise(int axis, int rows, int cols, int seed)
    {
        var random = new Random(seed);
        return new SliceImage(axis, rows, cols, Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
    }

    [Fact]
    public void Column_median_removes_anything_constant_along_z()
    {
        // Tube walls and ring stripes in a slice along y: every column constant along z (rows).
        var pixels = new float[40 * 30];
        for (var r = 0; r < 40; r++)
        for (var c = 0; c < 30; c++)
        {
            pixels[r * 30 + c] = c % 7 == 0 ? 5f : 0.3f * c;
        }
        var prepared = SliceBackground.Prepare(new SliceImage(1, 40, 30, pixels), new PairPreprocessing());
        Assert.All(prepared.Pixels, v => Assert.Equal(0f, v, 5));
    }

    [Fact]
    public void Radial_mean_removes_rings_about_the_centre_of_an_axial_slice()
    {
        const int n = 64;
        var pixels = new float[n * n];
        for (var r = 0; r < n; r++)
        for (var c = 0; c < n; c++)
        {
            var radius = Math.Sqrt((r - 31.5) * (r - 31.5) + (c - 31.5) * (c - 31.5));
            pixels[r * n + c] = (float)(Math.Round(radius) is 20 or 21 ? 3 : Math.Round(radius) < 20 ? 1 : 0);
        }
        SliceBackground.SubtractRadialMean(pixels, n, n);
        Assert.All(pixels, v => Assert.Equal(0f, v, 4));
    }

    [Fact]
    public void A_slice_with_structure_keeps_it_after_suppression()
    {
        var slice = Noise(1, 50, 50, 3);
        var prepared = SliceBackground.Prepare(slice, new PairPreprocessing());
        var mean = prepared.Pixels.Average();
        var variance = prepared.Pixels.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -1e-3, 1e-3);
        Assert.InRange(variance, 0.99, 1.01);
    }

    [Fact]
    public void The_second_channel_is_the_first_rotated_by_alpha_when_both_slices_are_the_same()
    {
        var settings = new PairPreprocessing { InputSize = 32, Supersample = 1 };
        var slice = Noise(0, 32, 32, 9);
        using var scope = NewDisposeScope();
        var batch = PairBatch.Build([new PairSpec(slice, slice, 0.5, 0, 90)], settings, CPU);
        Assert.Equal(new long[] { 1, 2, 32, 32 }, batch.shape);
        var first = batch[0, 0];
        var second = batch[0, 1];
        // 90° is exact on the pixel grid: the second channel equals the first turned by a quarter (one direction or the other).
        var turned = first.rot90(1, (0, 1));
        var turnedBack = first.rot90(-1, (0, 1));
        var error = Math.Min((second - turned).abs().max().item<float>(), (second - turnedBack).abs().max().item<float>());
        Assert.True(error < 1e-4, $"max difference {error}");
        // Outside the inscribed circle everything is zero.
        Assert.Equal(0f, batch[0, 0, 0, 0].item<float>());
        Assert.Equal(0f, batch[0, 1, 31, 31].item<float>());
    }

    [Fact]
    public void Non_square_slices_are_cropped_not_squashed()
    {
        var settings = new PairPreprocessing { InputSize = 16, Supersample = 1 };
        // 16 rows x 48 cols; crop position 0 takes columns 0..15 unchanged.
        var pixels = Enumerable.Range(0, 16 * 48).Select(i => (float)(i % 48)).ToArray();
        var slice = new SliceImage(1, 16, 48, pixels);
        using var scope = NewDisposeScope();
        var batch = PairBatch.Build([new PairSpec(slice, slice, 0.0, 0, 0)], settings, CPU);
        var centreRow = batch[0, 0, 8].data<float>().ToArray();
        Assert.Equal(8f, centreRow[8], 3);
        Assert.Equal(1f, centreRow[1], 3);
    }

    /// <summary>
    /// The interpolation leak: with one slice rotated and the other not, ±30/60° pairs are blurrier than 0/±90°.
    /// With both rotated (β, β+α) at twice the input resolution and averaged down, the two channels' sharpness
    /// ratio must not depend on α.
    /// </summary>
    [Fact]
    public void Channel_sharpness_ratio_does_not_reveal_the_angle()
    {
        var random = new Random(4);
        double Ratio(double alpha, bool naive = false)
        {
            var ratios = new List<double>();
            for (var i = 0; i < 48; i++)
            {
                using var scope = NewDisposeScope();
                var a = Noise(0, 64, 64, random.Next());
                var b = Noise(0, 64, 64, random.Next());
                var settings = new PairPreprocessing { InputSize = 32, Supersample = naive ? 1 : 2 };
                var beta = naive ? 0 : random.NextDouble() * 360;
                var batch = PairBatch.Build([new PairSpec(a, b, 0.5, beta, alpha)], settings, CPU);
                double Sharpness(Tensor image) => image.narrow(1, 1, 31).sub(image.narrow(1, 0, 31)).narrow(0, 8, 16).narrow(1, 8, 16).pow(2).mean().item<float>();
                ratios.Add(Sharpness(batch[0, 1]) / Sharpness(batch[0, 0]));
            }
            return ratios.Average();
        }
        var exact = Ratio(0);
        var quarter = Ratio(90);
        var thirty = Ratio(30);
        var sixty = Ratio(-60);
        foreach (var r in new[] { quarter, thirty, sixty })
        {
            Assert.InRange(r / exact, 0.9, 1.1);
        }
        // The measure does see the leak of the naive recipe (first slice unrotated, rotation at input resolution).
        Assert.True(Ratio(30, naive: true) / Ratio(0, naive: true) < 0.8);
    }
}
