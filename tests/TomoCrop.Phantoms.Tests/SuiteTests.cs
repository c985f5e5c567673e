using TomoCrop.Phantoms.Scene;
using TomoCrop.Volumes;

namespace TomoCrop.Phantoms.Tests;

/// <summary>The evaluation suite and the scan kinds added for it: a specimen against the wall, weak contrast.</summary>
public sealed class SuiteTests
{
    private static readonly ArtefactOptions Ideal = new() { Mode = ArtefactMode.None };

    [Theory]
    [InlineData(SpecimenKind.Embryo, 3)]
    [InlineData(SpecimenKind.Fish, 4)]
    [InlineData(SpecimenKind.Cells, 5)]
    public void Touching_wall_specimen_reaches_the_tube_inner_wall_without_crossing_it(SpecimenKind kind, long seed)
    {
        var spec = new PhantomSpec { Kind = kind, Variant = PhantomVariant.TouchingWall, Shape = new VolumeShape(48, 64, 64), Seed = seed, Artefacts = Ideal };
        var scene = PhantomScene.Create(spec);
        Assert.NotNull(scene.Holder);
        var inner = scene.Holder!.InnerRadius;

        // Farthest specimen voxel centre from the axis, from the rendered mask (independent of the support function).
        var farthest = 0.0;
        var density = new float[64 * 64];
        var mask = new byte[64 * 64];
        for (var z = 0; z < spec.Shape.Z; z++)
        {
            scene.RenderSlice(z, 0, 0, 64, 64, density, mask);
            for (var i = 0; i < mask.Length; i++)
            {
                if (mask[i] != 0)
                {
                    farthest = Math.Max(farthest, Math.Sqrt(Math.Pow(i / 64 - scene.AxisY, 2) + Math.Pow(i % 64 - scene.AxisX, 2)));
                }
            }
        }
        Assert.InRange(farthest, inner - 1.5, inner);
    }

    [Fact]
    public void Low_contrast_pulls_tissue_towards_the_medium_and_keeps_the_mask()
    {
        var spec = new PhantomSpec { Kind = SpecimenKind.Embryo, Shape = new VolumeShape(40, 48, 48), Seed = 9, Artefacts = Ideal };
        var full = PhantomScene.Create(spec);
        var weak = PhantomScene.Create(spec with { SpecimenContrast = 0.3 });
        Assert.NotNull(full.Holder);
        var medium = full.Holder!.MediumDensity;
        int compared = 0;
        var (a, b) = (new float[48 * 48], new float[48 * 48]);
        var (maskA, maskB) = (new byte[48 * 48], new byte[48 * 48]);
        for (var z = 0; z < 40; z++)
        {
            full.RenderSlice(z, 0, 0, 48, 48, a, maskA);
            weak.RenderSlice(z, 0, 0, 48, 48, b, maskB);
            Assert.Equal(maskA, maskB);
            for (var i = 0; i < a.Length; i++)
            {
                if (maskA[i] != 0 && a[i] < 1.5f)
                {
                    Assert.Equal(medium + (0.3f * (a[i] - medium)), b[i], 4);
                    compared++;
                }
                else if (maskA[i] == 0)
                {
                    Assert.Equal(a[i], b[i]);
                }
            }
        }
        Assert.True(compared > 100, $"only {compared} specimen voxels");
        Assert.Throws<ArgumentException>(() => (spec with { SpecimenContrast = 0 }).Validate());
    }

    [Fact]
    public void Varied_suite_covers_every_scan_kind_and_another_seed_gives_other_scans()
    {
        var suite = PhantomSuite.Varied(96, 1);
        var specs = suite.Select(c => c.Spec).ToList();
        Assert.Equal(suite.Count, suite.Select(c => c.Label + c.Kind).Distinct().Count());
        Assert.All(Enum.GetValues<PhantomVariant>(), v => Assert.Contains(specs, s => s.Variant == v));
        Assert.All(Enum.GetValues<SpecimenKind>(), k => Assert.Contains(specs, s => s.Kind == k && s.Variant != PhantomVariant.HolderOnly));
        Assert.Contains(specs, s => s.VoxelType == VoxelType.UInt16);
        Assert.Contains(specs, s => s.VoxelType == VoxelType.Float32);
        Assert.Contains(specs, s => s.SpecimenSize is { Min: 40, Max: 80 });
        Assert.Contains(specs, s => s.Artefacts.RingStrength > 2);
        Assert.Contains(specs, s => s.Artefacts.Photons < 1000);
        Assert.Contains(specs, s => s.Artefacts.ZeroOutsideCircle);
        Assert.Contains(specs, s => s.SpecimenContrast < 0.5);
        Assert.Contains(specs, s => s.Shape.Z > s.Shape.Y);
        Assert.Contains(specs, s => s.Shape.X < s.Shape.Y);
        Assert.Contains(specs, s => s.Variant == PhantomVariant.HolderOnly && s.VoxelType == VoxelType.UInt16);
        Assert.All(specs, s => s.Validate());

        var other = PhantomSuite.Varied(96, 2).Select(c => c.Spec.Seed).ToList();
        Assert.Empty(specs.Select(s => s.Seed).Intersect(other));
        Assert.Equal(specs.Select(s => s.Seed), PhantomSuite.Varied(96, 1).Select(c => c.Spec.Seed));
    }
}
