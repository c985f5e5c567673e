using System.Text.Json;
using TomoCrop.Cropping;
using TomoCrop.Cropping.Provenance;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Cropping.Tests;

public sealed class CropperTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Formats with a writer, exercised as both source and output.</summary>
    public static readonly VolumeFormat[] Formats = [VolumeFormat.Raw, VolumeFormat.Hdf5, VolumeFormat.MultiPageTiff, VolumeFormat.TiffStack];

    public static TheoryData<VolumeFormat, VoxelType> FormatsAndTypes()
    {
        var data = new TheoryData<VolumeFormat, VoxelType>();
        foreach (var format in Formats)
        {
            data.Add(format, VoxelType.Float32);
            data.Add(format, VoxelType.UInt16);
        }
        return data;
    }

    public static TheoryData<VolumeFormat, VolumeFormat> FormatPairs()
    {
        var data = new TheoryData<VolumeFormat, VolumeFormat>();
        foreach (var from in Formats)
        foreach (var to in Formats)
        {
            data.Add(from, to);
        }
        return data;
    }

    private string MakeSource(VolumeFormat format, VoxelType type, VolumeShape shape, string name = "source")
    {
        var path = _dir.File(name + VolumeIO.DefaultExtension(format));
        using var writer = VolumeIO.Create(path, shape, type, new VolumeWriteOptions { Format = format });
        TestVolumes.WriteAll(writer, TestVolumes.Pattern(shape, type));
        return path;
    }

    [Theory]
    [MemberData(nameof(FormatsAndTypes))]
    public void Crop_is_bit_exact_by_the_reference_reader_and_recorded(VolumeFormat format, VoxelType type)
    {
        var source = MakeSource(format, type, new VolumeShape(17, 23, 29));
        var box = new VoxelBox(new(1, 16), new(5, 21), new(1, 28));
        var output = _dir.File("crop" + VolumeIO.DefaultExtension(format));
        var before = TestVolumes.Hash(File.ReadAllBytes(Directory.Exists(source) ? Directory.GetFiles(source)[0] : source));

        // Small slab buffer so the crop streams through several slabs.
        var record = new Cropper().Crop(new CropRequest
        {
            InputPath = source,
            OutputPath = output,
            Box = box,
            Limits = IoLimits.Default with { MaxBufferBytes = 64 * 1024 },
        });

        Assert.True(ReferenceReader.CropMatches(source, format.Name(), output, format.Name(), box.ToJsonArray()));
        Assert.Equal(record.SourceHash, record.OutputHash);
        Assert.True(record.Verified);
        var onDisk = CropRecord.Load(CropRecord.PathFor(output));
        Assert.Equal(box, onDisk.Box);
        Assert.Equal(new VolumeShape(17, 23, 29), onDisk.SourceShape);
        Assert.Equal(type.NumpyName(), onDisk.Dtype);
        Assert.Equal(Path.GetFullPath(source), onDisk.SourcePath);
        Assert.True(onDisk.SourceInode > 0);

        // The hash in the record is the XxHash128 of the box as the reference reader sees it.
        var reference = ReferenceReader.Run("""
            import json
            b = json.loads(sys.argv[3]); a = load(sys.argv[1], sys.argv[2])
            sys.stdout.write(le_bytes(a[b[0][0]:b[0][1], b[1][0]:b[1][1], b[2][0]:b[2][1]]).hex())
            """, source, format.Name(), JsonSerializer.Serialize(box.ToJsonArray()));
        Assert.Equal(record.SourceHash, TestVolumes.Hash(Convert.FromHexString(reference)));

        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path, ".*"));
        Assert.Equal(before, TestVolumes.Hash(File.ReadAllBytes(Directory.Exists(source) ? Directory.GetFiles(source)[0] : source)));
    }

    [Theory]
    [MemberData(nameof(FormatPairs))]
    public void Crop_converts_between_formats_and_uncrop_restores_the_box(VolumeFormat from, VolumeFormat to)
    {
        var source = MakeSource(from, VoxelType.Float32, new VolumeShape(9, 12, 10));
        var box = new VoxelBox(new(2, 7), new(0, 12), new(3, 9));
        var crop = _dir.File("crop" + VolumeIO.DefaultExtension(to));
        new Cropper().Crop(new CropRequest { InputPath = source, OutputPath = crop, Box = box, OutputFormat = to });
        Assert.True(ReferenceReader.CropMatches(source, from.Name(), crop, to.Name(), box.ToJsonArray()));

        var full = _dir.File("full" + VolumeIO.DefaultExtension(to));
        var result = Uncropper.Uncrop(crop, full, fill: -1.5);
        Assert.True(result.MatchesSourceHash);
        var check = ReferenceReader.Run("""
            import json
            src = load(sys.argv[1], sys.argv[2]); full = load(sys.argv[3], sys.argv[4]); b = json.loads(sys.argv[5])
            inside = np.zeros(src.shape, bool); inside[b[0][0]:b[0][1], b[1][0]:b[1][1], b[2][0]:b[2][1]] = True
            ok = full.shape == src.shape and np.array_equal(full[inside], src[inside]) and np.all(full[~inside] == -1.5)
            print("ok" if ok else "bad")
            """, source, from.Name(), full, to.Name(), JsonSerializer.Serialize(box.ToJsonArray()));
        Assert.Equal("ok", check.Trim());
    }

    [Fact]
    public void Box_outside_the_volume_is_refused_and_nothing_is_written()
    {
        var source = MakeSource(VolumeFormat.Raw, VoxelType.UInt8, new VolumeShape(4, 5, 6));
        var output = _dir.File("out.raw");
        var error = Assert.Throws<VolumeException>(() => new Cropper().Crop(new CropRequest
        {
            InputPath = source,
            OutputPath = output,
            Box = new VoxelBox(new(0, 5), new(0, 5), new(0, 6)),
        }));
        Assert.Contains("outside the volume", error.Message);
        Assert.Equal(["source.raw", "source.raw.json"], Directory.GetFileSystemEntries(_dir.Path).Select(p => Path.GetFileName(p)!).Order().ToArray());
    }

    [Fact]
    public void Output_equal_to_or_inside_the_input_is_refused()
    {
        var source = MakeSource(VolumeFormat.Raw, VoxelType.UInt8, new VolumeShape(4, 5, 6));
        var box = new VoxelBox(new(0, 2), new(0, 2), new(0, 2));
        Assert.Contains("input itself", Assert.Throws<VolumeException>(() => new Cropper().Crop(new CropRequest { InputPath = source, OutputPath = source, Box = box })).Message);
        Assert.Contains("sidecar", Assert.Throws<VolumeException>(() => new Cropper().Crop(new CropRequest { InputPath = source, OutputPath = source + ".json", Box = box })).Message);

        var stack = Directory.CreateDirectory(_dir.File("stack")).FullName;
        Assert.Contains("inside the input", Assert.Throws<VolumeException>(() => OutputPathGuard.Check(stack, Path.Combine(stack, "crop.h5"))).Message);
        var link = _dir.File("link");
        Directory.CreateSymbolicLink(link, stack);
        Assert.Contains("inside the input", Assert.Throws<VolumeException>(() => OutputPathGuard.Check(stack, Path.Combine(link, "crop.h5"))).Message);
    }

    [Fact]
    public void Existing_output_is_never_replaced()
    {
        var source = MakeSource(VolumeFormat.Raw, VoxelType.UInt8, new VolumeShape(4, 5, 6));
        var output = _dir.File("out.raw");
        File.WriteAllText(output, "precious");
        Assert.ThrowsAny<Exception>(() => new Cropper().Crop(new CropRequest { InputPath = source, OutputPath = output, Box = VoxelBox.Full(new(4, 5, 6)) }));
        Assert.Equal("precious", File.ReadAllText(output));
    }

    [Fact]
    public void Stale_temporaries_of_dead_processes_are_removed_but_live_ones_kept()
    {
        var dead = _dir.File(".crop.tomocrop-tmp-999999999-0000abcd.h5");
        var live = _dir.File($".crop.tomocrop-tmp-{Environment.ProcessId}-0000abcd.h5");
        File.WriteAllText(dead, "x");
        File.WriteAllText(live, "x");
        Assert.Equal(1, Publishing.AtomicOutput.RemoveStaleTemporaries(_dir.Path));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
    }
}
