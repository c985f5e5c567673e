using System.Globalization;
using System.Text.Json;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Phantoms.Tests;

public sealed class OutputTests : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-phantoms-");

    public void Dispose() => _dir.Dispose();

    private static string FileHash(string path) => TestVolumes.Hash(File.ReadAllBytes(path));

    [Theory]
    [InlineData(ArtefactMode.Reconstruction, SpecimenKind.Embryo)]
    [InlineData(ArtefactMode.Approximate, SpecimenKind.Fish)]
    [InlineData(ArtefactMode.Reconstruction, SpecimenKind.Cells)]
    public void Same_seed_gives_the_same_bytes_and_another_seed_does_not(ArtefactMode mode, SpecimenKind kind)
    {
        var spec = new PhantomSpec { Kind = kind, Shape = new VolumeShape(32, 48, 40), Seed = 71, Artefacts = new ArtefactOptions { Mode = mode } };
        var first = PhantomGenerator.Write(spec, _dir.File("a.raw"), PhantomTestKit.Raw);
        // Different slab sizes change the parallel schedule but not the result.
        var second = PhantomGenerator.Write(spec with { SlabSlices = 3 }, _dir.File("b.raw"), PhantomTestKit.Raw);
        var other = PhantomGenerator.Write(spec with { Seed = 72 }, _dir.File("c.raw"), PhantomTestKit.Raw);

        Assert.Equal(FileHash(_dir.File("a.raw")), FileHash(_dir.File("b.raw")));
        Assert.Equal(first.BoxZyx, second.BoxZyx);
        Assert.NotEqual(FileHash(_dir.File("a.raw")), FileHash(_dir.File("c.raw")));
        Assert.NotEqual(first.SpecimenVoxels, other.SpecimenVoxels);
    }

    [Fact]
    public void Slices_reach_the_writer_in_bounded_slabs()
    {
        var shape = new VolumeShape(23, 40, 48);
        var spec = new PhantomSpec { Shape = shape, Seed = 73, SlabSlices = 4, Artefacts = PhantomTestKit.Approximate };
        var recorder = new RecordingWriter(VolumeIO.Create(_dir.File("slabs.raw"), shape, VoxelType.Float32, PhantomTestKit.Raw));
        using (recorder)
        {
            PhantomGenerator.Generate(spec, recorder);
            recorder.Complete();
        }
        Assert.Equal([4, 4, 4, 4, 4, 3], recorder.SliceCounts);

        // The default slab is bounded by the byte budget, not by the volume.
        var big = new VolumeShape(40, 512, 512);
        var budgeted = new RecordingWriter(VolumeIO.Create(_dir.File("budget.raw"), big, VoxelType.Float32, PhantomTestKit.Raw));
        using (budgeted)
        {
            var holder = new PhantomSpec { Shape = big, Seed = 74, Variant = PhantomVariant.HolderOnly, Artefacts = new ArtefactOptions { Mode = ArtefactMode.None } };
            PhantomGenerator.Generate(holder, budgeted);
            budgeted.Complete();
        }
        Assert.Equal([32, 8], budgeted.SliceCounts);
        Assert.All(budgeted.SliceCounts, count => Assert.True(count * 512L * 512 * 4 <= PhantomGenerator.DefaultSlabBytes));
        Assert.Equal(40, budgeted.SliceCounts.Sum());
    }

    [Fact]
    public void Uint16_output_is_the_float_output_scaled_by_the_recorded_range()
    {
        var spec = new PhantomSpec { Shape = new VolumeShape(24, 40, 40), Seed = 75, Artefacts = PhantomTestKit.Approximate };
        var asFloat = PhantomGenerator.Write(spec, _dir.File("f.raw"), PhantomTestKit.Raw);
        var asShort = PhantomGenerator.Write(spec with { VoxelType = VoxelType.UInt16 }, _dir.File("u.raw"), PhantomTestKit.Raw);
        Assert.Equal("float32", asFloat.Dtype);
        Assert.Equal("uint16", asShort.Dtype);
        Assert.Null(asFloat.UInt16Range);
        Assert.Equal([-0.25f, 1.25f], asShort.UInt16Range!);
        Assert.Equal(asFloat.BoxZyx, asShort.BoxZyx);

        var floats = PhantomTestKit.ReadFloats(_dir.File("f.raw"));
        var shorts = PhantomTestKit.ReadFloats(_dir.File("u.raw"));
        var step = 1.5f / 65535;
        for (var i = 0; i < floats.Length; i++)
        {
            var expected = Math.Clamp(floats[i], -0.25f, 1.25f);
            Assert.InRange(-0.25f + shorts[i] * step, expected - step, expected + step);
        }
    }

    [Fact]
    public void Numpy_reads_the_volume_and_the_specimen_stands_out_inside_the_box()
    {
        var spec = new PhantomSpec { Kind = SpecimenKind.Embryo, Shape = new VolumeShape(48, 64, 56), Seed = 76, VoxelType = VoxelType.UInt16 };
        var phantom = PhantomGenerator.Write(spec, _dir.File("scan.raw"), PhantomTestKit.Raw);
        var output = ExternalTool.RunPython("""
            import json, sys, numpy as np
            meta = json.load(open(sys.argv[1] + '.json'))
            a = np.fromfile(sys.argv[1], dtype=np.dtype(meta['dtype']).newbyteorder('<')).reshape(meta['shape'])
            (z0, z1), (y0, y1), (x0, x1) = json.loads(sys.argv[2])
            inside = a[z0:z1, y0:y1, x0:x1].astype(np.float64).mean()
            print(a.dtype, a.shape, inside > a.astype(np.float64).mean())
            """, _dir.File("scan.raw"), JsonSerializer.Serialize(phantom.BoxZyx));
        Assert.Equal("uint16 (48, 64, 56) True", output.Trim());
    }

    [Fact]
    public void Refuses_to_overwrite_and_leaves_the_existing_file_alone()
    {
        var path = _dir.File("taken.raw");
        File.WriteAllText(path, "precious");
        var spec = new PhantomSpec { Shape = new VolumeShape(8, 16, 16), Artefacts = PhantomTestKit.Approximate };
        Assert.Throws<VolumeException>(() => PhantomGenerator.Write(spec, path, PhantomTestKit.Raw));
        Assert.Equal("precious", File.ReadAllText(path));
    }

    [Fact]
    public void Invalid_specs_are_refused_before_anything_is_written()
    {
        var path = _dir.File("bad.raw");
        Assert.Throws<ArgumentException>(() => PhantomGenerator.Write(new PhantomSpec { Shape = new VolumeShape(0, 8, 8) }, path, PhantomTestKit.Raw));
        Assert.Throws<ArgumentException>(() => PhantomGenerator.Write(new PhantomSpec { VoxelType = VoxelType.Int32 }, path, PhantomTestKit.Raw));
        Assert.Throws<ArgumentException>(() => PhantomGenerator.Write(new PhantomSpec { SpecimenSize = (50, 10) }, path, PhantomTestKit.Raw));
        Assert.Throws<ArgumentException>(() => PhantomGenerator.Write(new PhantomSpec { Shape = new VolumeShape(1, 5000, 5000) }, path, PhantomTestKit.Raw));
        Assert.Throws<ArgumentException>(() => PhantomGenerator.Write(new PhantomSpec { Artefacts = new ArtefactOptions { Angles = 2 } }, path, PhantomTestKit.Raw));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Set_writes_a_mix_of_kinds_and_variants_and_a_manifest_that_round_trips()
    {
        var directory = Path.Combine(_dir.Path, "set");
        var reported = new List<string>();
        var options = new PhantomSetOptions
        {
            Shapes = [new VolumeShape(32, 40, 40), new VolumeShape(40, 32, 48)],
            VoxelTypes = [VoxelType.Float32, VoxelType.UInt16],
            Artefacts = PhantomTestKit.Approximate,
            Progress = new SynchronousProgress(c => reported.Add(c.Name)),
        };
        var manifestPath = PhantomSet.Generate(directory, 10, seed: 5, options);

        Assert.Equal(Path.Combine(directory, "manifest.json"), manifestPath);
        var json = JsonDocument.Parse(File.ReadAllText(manifestPath)).RootElement.GetProperty("cases");
        Assert.Equal(10, json.GetArrayLength());
        var first = json[0];
        foreach (var key in new[] { "name", "path", "format", "kind", "shape", "dtype", "box_zyx", "seed", "variant", "touches_border" })
        {
            Assert.True(first.TryGetProperty(key, out _), key);
        }
        Assert.False(Path.IsPathRooted(first.GetProperty("path").GetString()), "paths in the manifest are relative to it");

        var manifest = PhantomManifest.Load(manifestPath);
        Assert.Equal(reported, manifest.Cases.Select(c => c.Name));
        Assert.Equal(3, manifest.Cases.Where(c => c.Kind != "none").Select(c => c.Kind).Distinct().Count());
        Assert.Equal(5, manifest.Cases.Select(c => c.Variant).Distinct().Count());
        Assert.Contains(manifest.Cases, c => c.Dtype == "uint16");
        foreach (var phantom in manifest.Cases)
        {
            Assert.True(File.Exists(phantom.Path), phantom.Path);
            using var reader = VolumeIO.Open(phantom.Path);
            Assert.Equal(phantom.VolumeShape, reader.Info.Shape);
            Assert.Equal(phantom.Dtype, reader.Info.VoxelType.NumpyName());
            Assert.Equal(phantom.Variant == "holder-only", phantom.BoxZyx is null);
        }

        // Same seed, same cases; a second set will not overwrite the first.
        var again = PhantomSet.Generate(Path.Combine(_dir.Path, "again"), 3, seed: 5, options with { Progress = null });
        Assert.Equal(
            manifest.Cases.Take(3).Select(c => FileHash(c.Path)),
            PhantomManifest.Load(again).Cases.Select(c => FileHash(c.Path)));
        Assert.Throws<IOException>(() => PhantomSet.Generate(directory, 1, seed: 5, options));
    }

    [Fact]
    public void Manifest_load_rejects_garbage_with_the_file_name()
    {
        var path = _dir.File("manifest.json");
        File.WriteAllText(path, "{ not json");
        var error = Assert.Throws<InvalidDataException>(() => PhantomManifest.Load(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Names_parse_back()
    {
        foreach (var kind in Enum.GetValues<SpecimenKind>())
        {
            Assert.True(PhantomNames.TryParseKind(kind.Name().ToUpper(CultureInfo.InvariantCulture), out var parsed));
            Assert.Equal(kind, parsed);
        }
        foreach (var variant in Enum.GetValues<PhantomVariant>())
        {
            Assert.True(PhantomNames.TryParseVariant(variant.Name(), out var parsed));
            Assert.Equal(variant, parsed);
        }
        Assert.True(PhantomNames.TryParseVariant("HolderOnly", out var holder));
        Assert.Equal(PhantomVariant.HolderOnly, holder);
        Assert.True(PhantomNames.TryParseArtefactMode("fbp", out var mode));
        Assert.Equal(ArtefactMode.Reconstruction, mode);
        Assert.False(PhantomNames.TryParseKind("whale", out _));
    }

    private sealed class SynchronousProgress(Action<PhantomCase> report) : IProgress<PhantomCase>
    {
        public void Report(PhantomCase value) => report(value);
    }
}
