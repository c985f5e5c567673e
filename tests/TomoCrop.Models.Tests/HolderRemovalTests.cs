using TomoCrop.Volumes;

namespace TomoCrop.Models.Tests;

public class HolderRemovalTests
{
    /// <summary>A tube (z-invariant wall) with medium up to z = 10 and air above, plus an optional blob.</summary>
    private static VolumeSample Holder(bool withBlob)
    {
        var shape = new VolumeShape(16, 32, 32);
        var data = new float[shape.VoxelCount];
        for (int z = 0, i = 0; z < shape.Z; z++)
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++, i++)
        {
            var r = Math.Sqrt((y - 15.5) * (y - 15.5) + (x - 15.5) * (x - 15.5));
            data[i] = r >= 12 && r < 14 ? 1f : r < 12 && z < 10 ? 0.3f : 0f;
            if (withBlob && Math.Abs(z - 5) < 3 && Math.Abs(y - 10) < 3 && Math.Abs(x - 18) < 2)
            {
                data[i] += 2f;
            }
        }
        return VolumeSample.FromData(shape, shape, 1, data);
    }

    [Fact]
    public void Walls_medium_and_medium_surface_are_removed_and_a_specimen_is_not()
    {
        var empty = Holder(withBlob: false).WithoutHolder();
        Assert.True(empty.Data.Average(Math.Abs) < 0.02, $"mean residual {empty.Data.Average(Math.Abs)}");

        var specimen = Holder(withBlob: true).WithoutHolder();
        var blob = specimen.Data[(5 * 32 + 10) * 32 + 18];
        Assert.True(blob > 1.5f, $"blob residual {blob}");
    }

    [Fact]
    public void Suppression_can_be_switched_off()
    {
        var sample = Holder(withBlob: false);
        Assert.Same(sample, Preprocess.ForPairs(sample, new PairPreprocessing { SuppressBackground = false }));
        Assert.NotSame(sample, Preprocess.ForPairs(sample, new PairPreprocessing()));
    }
}
