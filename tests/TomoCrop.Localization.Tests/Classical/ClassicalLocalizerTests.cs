using TomoCrop.Localization.Classical;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Tests.Classical;

public sealed class ClassicalLocalizerTests : IDisposable
{
    private static readonly VolumeShape Shape = new(48, 64, 80);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (LocalizationResult Result, VoxelBox? Truth) Run(SyntheticScene scene, VoxelType type, ClassicalOptions? options = null)
    {
        var path = _dir.File($"scene-{Guid.NewGuid():N}.raw");
        var truth = scene.Write(path, type);
        using var reader = VolumeIO.Open(path);
        return (new ClassicalLocalizer(options).Localize(reader), truth);
    }

    private static void AssertContains(VoxelBox? truth, LocalizationResult result)
    {
        Assert.NotNull(truth);
        Assert.True(result.Box.Contains(truth.Value), $"box {result.Box} does not contain the object {truth}");
        Assert.True(result.Box.FitsIn(result.Shape));
    }

    [Fact]
    public void Ellipsoid_in_noise_is_boxed_and_the_rest_cut()
    {
        var scene = new SyntheticScene { Shape = Shape, Objects = [new(20, 30, 44, 10, 12, 15)] };
        var (result, truth) = Run(scene, VoxelType.Float32);
        AssertContains(truth, result);
        Assert.Equal("classical", result.Method);
        Assert.Null(result.ModelSha256);
        // Object box 21x25x31 in 48x64x80; with conservative edges and margins the box stays well under half.
        Assert.True(result.KeptFraction < 0.35, $"kept {result.KeptFraction:P1}, box {result.Box}");
        for (var axis = 0; axis < 3; axis++)
        {
            Assert.False(result.Axes[axis].KeptFullExtent, result.Axes[axis].Reason);
            Assert.True(result.Axes[axis].Confidence > 0.8, $"axis {axis}: {result.Axes[axis].Confidence}");
        }
        Assert.True(result.ReadSeconds >= 0 && result.InferenceSeconds >= 0);
        Assert.True(result.Seconds >= result.ReadSeconds);
    }

    public static TheoryData<VoxelType> AllTypes() => new(Enum.GetValues<VoxelType>());

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Every_voxel_type_is_localized_from_a_strided_subsample(VoxelType type)
    {
        // 48x64x80 = 245,760 voxels; a 20,000-voxel budget forces step 3 (16x22x27 = 9,504 samples).
        var scene = new SyntheticScene { Shape = Shape, Objects = [new(25, 28, 50, 9, 11, 14)] };
        var options = new ClassicalOptions { MaxSampleVoxels = 20_000 };
        var (result, truth) = Run(scene, type, options);
        AssertContains(truth, result);
        Assert.True(result.KeptFraction < 0.4, $"{type}: kept {result.KeptFraction:P1}, box {result.Box}");
        Assert.Equal([0, 3, 6, 9], result.Profiles[0].Positions.Take(4));
        Assert.Equal(16, result.Profiles[0].Positions.Length);
        Assert.Equal(22, result.Profiles[1].Positions.Length);
        Assert.Equal(27, result.Profiles[2].Positions.Length);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void A_stride_larger_than_the_object_margin_never_shrinks_the_box(int radius)
    {
        // Margins off: only the conservative mapping of subsample indices back to voxels protects the object.
        var scene = new SyntheticScene { Shape = Shape, Noise = 0.02, Objects = [new(22.4, 31.7, 40.2, radius, radius, radius)] };
        var options = new ClassicalOptions
        {
            MaxSampleVoxels = 20_000,
            Cut = new() { MarginVoxels = 0, MarginPercent = 0 },
        };
        var (result, truth) = Run(scene, VoxelType.Float32, options);
        AssertContains(truth, result);
    }

    [Fact]
    public void Specimen_in_a_holder_tube_is_kept_with_the_tube()
    {
        var scene = new SyntheticScene
        {
            Shape = Shape,
            Tube = (24, 27),
            Objects = [new(24, 31.5, 39.5, 8, 10, 10)],
        };
        var (result, truth) = Run(scene, VoxelType.UInt16);
        AssertContains(truth, result);
        // The baseline cannot tell the wall from the specimen: the tube's cross-section is inside the box.
        Assert.True(result.Box.Y.Start <= 32 - 27 && result.Box.Y.Stop >= 32 + 27, result.Box.ToString());
    }

    [Fact]
    public void Object_touching_a_border_is_kept_to_that_border()
    {
        var scene = new SyntheticScene { Shape = Shape, Objects = [new(1, 30, 40, 9, 10, 12)] };
        var (result, truth) = Run(scene, VoxelType.Float32);
        AssertContains(truth, result);
        Assert.Equal(0, result.Box.Z.Start);
        Assert.Contains("border", result.Axes[0].Reason);
        Assert.True(result.Box.Z.Stop < Shape.Z);
    }

    [Theory]
    [InlineData(0.45)]
    [InlineData(0.6)]
    public void Dim_body_around_a_large_bright_core_is_kept_whole(double bodyValue)
    {
        // Three levels (background 0.2, body, core 1.4): a single Otsu split would fall between body and core.
        var scene = new SyntheticScene
        {
            Shape = Shape,
            Noise = 0.03,
            Objects = [new(24, 32, 40, 14, 18, 22, bodyValue), new(22, 30, 42, 8, 10, 13, 1.4)],
        };
        var (result, truth) = Run(scene, VoxelType.Float32);
        AssertContains(truth, result);
        Assert.True(result.KeptFraction < 0.55, $"kept {result.KeptFraction:P1}, box {result.Box}");
    }

    [Fact]
    public void Noise_free_object_filling_most_of_an_axis_is_boxed_tightly()
    {
        // Planes through the object all reach exactly 1.0: the background noise must still be measured on the
        // background, or the threshold sinks into it and the box swells to the whole volume.
        var scene = new SyntheticScene { Shape = Shape, ObjectNoise = 0, Objects = [new(24, 31.5, 39.5, 15, 21, 29)] };
        var (result, truth) = Run(scene, VoxelType.Float32);
        AssertContains(truth, result);
        for (var axis = 0; axis < 3; axis++)
        {
            Assert.True(result.Box[axis].Length <= truth!.Value[axis].Length + 16, $"axis {axis}: {result.Box} vs {truth}");
        }
    }

    [Fact]
    public void Two_separate_objects_are_both_kept()
    {
        var scene = new SyntheticScene { Shape = Shape, Objects = [new(12, 15, 15, 5, 6, 6), new(36, 48, 62, 6, 7, 8)] };
        var (result, truth) = Run(scene, VoxelType.Float32);
        AssertContains(truth, result);
    }

    [Theory]
    [InlineData(VoxelType.Float32)]
    [InlineData(VoxelType.UInt8)]
    public void Noise_only_keeps_the_full_extent(VoxelType type)
    {
        var scene = new SyntheticScene { Shape = Shape };
        var (result, _) = Run(scene, type);
        Assert.Equal(VoxelBox.Full(Shape), result.Box);
        Assert.All(result.Axes, a =>
        {
            Assert.True(a.KeptFullExtent);
            Assert.True(a.Confidence < 0.5, $"{a.Confidence} {a.Reason}");
            Assert.Contains("no clear object", a.Reason);
        });
    }

    [Fact]
    public void NaN_outside_the_reconstruction_circle_is_ignored()
    {
        var scene = new SyntheticScene { Shape = Shape, NaNOutsideRadius = 31, Objects = [new(24, 30, 38, 8, 9, 10)] };
        var (result, truth) = Run(scene, VoxelType.Float32);
        AssertContains(truth, result);
        Assert.True(result.KeptFraction < 0.3, $"kept {result.KeptFraction:P1}");
    }

    [Fact]
    public void Profiles_carry_the_threshold_and_one_value_per_sampled_plane()
    {
        var scene = new SyntheticScene { Shape = Shape, Objects = [new(20, 30, 44, 10, 12, 15)] };
        var (result, _) = Run(scene, VoxelType.Float32);
        for (var axis = 0; axis < 3; axis++)
        {
            var profile = result.Profiles[axis];
            Assert.Equal(axis, profile.Axis);
            Assert.Equal(Enumerable.Range(0, Shape[axis]), profile.Positions);
            Assert.Equal(profile.Positions.Length, profile.Values.Length);
            Assert.True(double.IsFinite(profile.Threshold));
            // Planes through the ellipsoid reach its value; planes far from it only the background's maximum.
            Assert.True(profile.Values[result.Box[axis].Start + (result.Box[axis].Length / 2)] > 0.9);
            Assert.True(profile.Values[0] < 0.6 || profile.Values[^1] < 0.6);
        }
    }

    [Fact]
    public void Cancellation_is_honoured()
    {
        var path = _dir.File("c.raw");
        new SyntheticScene { Shape = Shape }.Write(path, VoxelType.UInt8);
        using var reader = VolumeIO.Open(path);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new ClassicalLocalizer().Localize(reader, cancelled.Token));
    }
}
