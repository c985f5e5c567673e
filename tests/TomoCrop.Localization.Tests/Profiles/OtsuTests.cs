using TomoCrop.Localization.Profiles;

namespace TomoCrop.Localization.Tests.Profiles;

public sealed class OtsuTests
{
    [Fact]
    public void Two_clusters_are_split_between_them()
    {
        float[] values = [1, 1.1f, 0.9f, 1, 5, 5.2f, 4.8f, 5, 5.1f];
        var threshold = Otsu.Threshold(values, 64)!.Value;
        Assert.InRange(threshold, 1.1, 4.8);
        Assert.Equal(5, values.Count(v => v >= threshold));
    }

    [Fact]
    public void Two_values_split_just_above_the_lower_one()
    {
        // Every split between the two values is equally good; the lowest keeps most as "above".
        var threshold = Otsu.Threshold([0f, 0f, 10f, 10f], 10)!.Value;
        Assert.Equal(1.0, threshold, 12);
    }

    [Fact]
    public void Constant_or_empty_input_has_no_threshold()
    {
        Assert.Null(Otsu.Threshold([2f, 2f, 2f]));
        Assert.Null(Otsu.Threshold([]));
        Assert.Null(Otsu.Threshold([float.NaN, 1f]));
    }

    [Fact]
    public void Non_finite_values_are_ignored()
    {
        var threshold = Otsu.Threshold([0f, float.NaN, 0f, float.PositiveInfinity, 8f, 8f], 8)!.Value;
        Assert.Equal(1.0, threshold, 12);
    }

    [Fact]
    public void Fewer_than_two_bins_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Otsu.Threshold([0f, 1f], 1));
}
