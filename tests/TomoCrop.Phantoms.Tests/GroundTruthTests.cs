using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Phantoms.Tests;

public sealed class GroundTruthTests : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-phantoms-");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<SpecimenKind, PhantomVariant, int, int, int, long> Cases()
    {
        var data = new TheoryData<SpecimenKind, PhantomVariant, int, int, int, long>();
        foreach (var kind in Enum.GetValues<SpecimenKind>())
        {
            data.Add(kind, PhantomVariant.Standard, 64, 64, 64, 11);
            data.Add(kind, PhantomVariant.OutOfView, 48, 64, 56, 12);
            data.Add(kind, PhantomVariant.NoHolder, 56, 48, 64, 13);
            data.Add(kind, PhantomVariant.FillsView, 40, 48, 48, 14);
        }
        data.Add(SpecimenKind.Fish, PhantomVariant.Standard, 96, 64, 72, 15);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Box_is_exactly_the_bounding_box_of_the_specimen_mask(SpecimenKind kind, PhantomVariant variant, int z, int y, int x, long seed)
    {
        var spec = new PhantomSpec
        {
            Kind = kind, Variant = variant, Shape = new VolumeShape(z, y, x), Seed = seed,
            Artefacts = new ArtefactOptions { Mode = ArtefactMode.Reconstruction },
        };
        var phantom = PhantomGenerator.Write(spec, _dir.File("volume.raw"), PhantomTestKit.Raw);
        var maskTruth = PhantomGenerator.WriteMask(spec, _dir.File("mask.raw"), PhantomTestKit.Raw);
        var mask = PhantomTestKit.ReadMask(_dir.File("mask.raw"));

        Assert.NotNull(phantom.Box);
        var box = phantom.Box!.Value;
        Assert.Equal(box, maskTruth.Box);
        Assert.Equal(mask.Count(v => v == 1), phantom.SpecimenVoxels);
        Assert.Equal(PhantomTestKit.BoundingBox(mask, spec.Shape), box);

        // Every mask voxel inside the box, and each of the six faces of the box holds mask voxels.
        var faces = new bool[6];
        var i = 0;
        for (var zz = 0; zz < z; zz++)
        for (var yy = 0; yy < y; yy++)
        for (var xx = 0; xx < x; xx++, i++)
        {
            if (mask[i] == 0)
            {
                continue;
            }
            Assert.True(box.Z.Start <= zz && zz < box.Z.Stop && box.Y.Start <= yy && yy < box.Y.Stop && box.X.Start <= xx && xx < box.X.Stop);
            faces[0] |= zz == box.Z.Start;
            faces[1] |= zz == box.Z.Stop - 1;
            faces[2] |= yy == box.Y.Start;
            faces[3] |= yy == box.Y.Stop - 1;
            faces[4] |= xx == box.X.Start;
            faces[5] |= xx == box.X.Stop - 1;
        }
        Assert.All(faces, Assert.True);
        Assert.Equal(phantom.TouchesBorder, Enumerable.Range(0, 3).Select(a => box[a].Start == 0 || box[a].Stop == spec.Shape[a]).ToArray());
    }

    [Theory]
    [InlineData(SpecimenKind.Embryo, 21)]
    [InlineData(SpecimenKind.Fish, 22)]
    [InlineData(SpecimenKind.Cells, 23)]
    public void Standard_specimen_lies_inside_the_volume_and_is_denser_than_the_medium(SpecimenKind kind, long seed)
    {
        var spec = new PhantomSpec
        {
            Kind = kind, Shape = new VolumeShape(64, 64, 64), Seed = seed, Artefacts = new ArtefactOptions { Mode = ArtefactMode.None },
        };
        var phantom = PhantomGenerator.Write(spec, _dir.File("ideal.raw"), PhantomTestKit.Raw);
        PhantomGenerator.WriteMask(spec, _dir.File("mask.raw"), PhantomTestKit.Raw);
        var ideal = PhantomTestKit.ReadFloats(_dir.File("ideal.raw"));
        var mask = PhantomTestKit.ReadMask(_dir.File("mask.raw"));

        Assert.Equal([false, false, false], phantom.TouchesBorder);
        var inside = ideal.Where((_, i) => mask[i] == 1).Average();
        // The medium is the commonest non-zero value outside the specimen.
        var medium = ideal.Where((v, i) => mask[i] == 0 && v > 0).GroupBy(v => v).OrderByDescending(g => g.Count()).First().Key;
        Assert.InRange(inside, 0.25, 0.6);
        Assert.InRange(medium, 0.15, 0.23);
        Assert.True(inside > medium + 0.05);
        // Organs of different densities: the specimen is not one flat value.
        Assert.True(ideal.Where((_, i) => mask[i] == 1).Select(v => Math.Round(v, 2)).Distinct().Count() > 10);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    public void Holder_only_volume_has_no_box(long seed)
    {
        var spec = new PhantomSpec { Variant = PhantomVariant.HolderOnly, Shape = new VolumeShape(48, 56, 56), Seed = seed, Artefacts = PhantomTestKit.Approximate };
        var phantom = PhantomGenerator.Write(spec, _dir.File("holder.raw"), PhantomTestKit.Raw);
        PhantomGenerator.WriteMask(spec, _dir.File("mask.raw"), PhantomTestKit.Raw);

        Assert.Null(phantom.BoxZyx);
        Assert.Equal(0, phantom.SpecimenVoxels);
        Assert.Equal("none", phantom.Kind);
        Assert.Equal([false, false, false], phantom.TouchesBorder);
        Assert.All(PhantomTestKit.ReadMask(_dir.File("mask.raw")), v => Assert.Equal(0, v));
        // Not an empty volume: the tube and its medium are there.
        Assert.True(PhantomTestKit.ReadFloats(_dir.File("holder.raw")).Average() > 0.05);
    }

    [Theory]
    [InlineData(SpecimenKind.Embryo, 41)]
    [InlineData(SpecimenKind.Fish, 42)]
    [InlineData(SpecimenKind.Cells, 43)]
    [InlineData(SpecimenKind.Embryo, 44)]
    [InlineData(SpecimenKind.Fish, 45)]
    [InlineData(SpecimenKind.Cells, 46)]
    public void Out_of_view_specimen_is_clipped_at_a_border(SpecimenKind kind, long seed)
    {
        var spec = new PhantomSpec { Kind = kind, Variant = PhantomVariant.OutOfView, Shape = new VolumeShape(48, 56, 64), Seed = seed, Artefacts = PhantomTestKit.Approximate };
        var phantom = PhantomGenerator.Write(spec, _dir.File("clipped.raw"), PhantomTestKit.Raw);

        Assert.Contains(true, phantom.TouchesBorder);
        var box = phantom.Box!.Value;
        Assert.True(box.FitsIn(spec.Shape));
        Assert.True(box.VoxelCount < spec.Shape.VoxelCount, "a clipped specimen still leaves something to crop");
    }

    [Theory]
    [InlineData(SpecimenKind.Embryo, 51)]
    [InlineData(SpecimenKind.Fish, 52)]
    [InlineData(SpecimenKind.Cells, 53)]
    public void Specimen_filling_the_view_has_a_box_of_almost_the_whole_volume(SpecimenKind kind, long seed)
    {
        var spec = new PhantomSpec { Kind = kind, Variant = PhantomVariant.FillsView, Shape = new VolumeShape(40, 48, 56), Seed = seed, Artefacts = PhantomTestKit.Approximate };
        var phantom = PhantomGenerator.Write(spec, _dir.File("full.raw"), PhantomTestKit.Raw);

        var box = phantom.Box!.Value;
        for (var axis = 0; axis < 3; axis++)
        {
            Assert.True(box[axis].Length >= 0.9 * spec.Shape[axis], $"axis {axis}: {box[axis]} of {spec.Shape[axis]}");
        }
        Assert.Equal([true, true, true], phantom.TouchesBorder);
    }
}
