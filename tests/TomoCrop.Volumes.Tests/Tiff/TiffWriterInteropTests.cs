using System.Security.Cryptography;
using System.Text.Json;
using TomoCrop.TestSupport;
using TomoCrop.Volumes.Formats.Tiff;

namespace TomoCrop.Volumes.Tests.Tiff;

/// <summary>Files our writers produce, read back by tifffile (bit-exact), libtiff's tiffinfo/tiffcp, and by us.</summary>
public sealed class TiffWriterInteropTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly VolumeShape Shape = new(4, 19, 23);

    /// <summary>Reads each listed file/stack with tifffile; prints "name sha256 shape dtype" of its little-endian C-order bytes.</summary>
    private const string TifffileHashes = """
        import hashlib, sys, glob, os, numpy as np, tifffile
        for line in sys.stdin.read().split('\n'):
            if not line.strip():
                continue
            name, kind, path = line.split('\t')
            if kind == 'stack':
                files = sorted(glob.glob(os.path.join(path, '*.tif')))
                a = np.stack([tifffile.imread(f) for f in files])
            else:
                a = tifffile.imread(path)
            le = a.astype(a.dtype.newbyteorder('<'))
            print(name, hashlib.sha256(le.tobytes()).hexdigest(), 'x'.join(map(str, a.shape)), a.dtype.name)
        """;

    private string Write(VolumeFormat format, VoxelType type, OutputCompression compression, byte[] data, string name)
    {
        var path = _dir.File(name);
        using var writer = VolumeIO.Create(path, Shape, type, new VolumeWriteOptions { Format = format, Compression = compression, SliceStem = "recon" });
        TestVolumes.WriteAll(writer, data);
        return path;
    }

    [Fact]
    public void Every_type_and_compression_tifffile_can_decode_is_read_bit_exactly_by_tifffile_and_by_us()
    {
        var expected = new Dictionary<string, string>();
        var list = new System.Text.StringBuilder();
        foreach (var format in new[] { VolumeFormat.TiffStack, VolumeFormat.MultiPageTiff })
        foreach (var compression in new[] { OutputCompression.None, OutputCompression.Deflate })
        foreach (var type in Enum.GetValues<VoxelType>())
        {
            var name = $"{format}-{compression}-{type}";
            var data = TestVolumes.Pattern(Shape, type, seed: (int)type + 3);
            var path = Write(format, type, compression, data, format == VolumeFormat.TiffStack ? name : name + ".tif");
            expected[name] = $"{Convert.ToHexStringLower(SHA256.HashData(data))} {Shape.Z}x{Shape.Y}x{Shape.X} {type.NumpyName()}";
            list.Append($"{name}\t{(format == VolumeFormat.TiffStack ? "stack" : "file")}\t{path}\n");

            using var reader = VolumeIO.Open(path);
            Assert.Equal(format, reader.Info.Format);
            Assert.Equal(Shape, reader.Info.Shape);
            Assert.Equal(type, reader.Info.VoxelType);
            Assert.Equal(data, TestVolumes.ReadAll(reader));
        }
        var output = ExternalTool.Run(ExternalTool.Python, ["-c", TifffileHashes], list.ToString());
        Assert.True(output.ExitCode == 0, output.StdErr);
        var seen = output.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(expected.Count, seen.Count);
        foreach (var (name, want) in expected)
        {
            Assert.True(seen[name] == want, $"{name}: tifffile read {seen[name]}, expected {want}");
        }
    }

    [Theory]
    [InlineData(VoxelType.UInt16)]
    [InlineData(VoxelType.Float32)]
    public void Lzw_output_is_decoded_by_libtiff_tiffcp_bit_exactly(VoxelType type)
    {
        // tifffile needs imagecodecs (not in Debian 12) for LZW: libtiff's tiffcp decompresses, tifffile compares.
        var data = TestVolumes.Pattern(Shape, type);
        var path = Write(VolumeFormat.MultiPageTiff, type, OutputCompression.Lzw, data, "lzw.tif");
        var info = ExternalTool.RunChecked("tiffinfo", path);
        Assert.Contains("Compression Scheme: LZW", info);
        Assert.Equal(type.IsFloat() ? 0 : Shape.Z, CountOccurrences(info, "Predictor: horizontal differencing"));
        var plain = _dir.File("plain.tif");
        ExternalTool.RunChecked("tiffcp", "-c", "none", path, plain);
        var hash = ExternalTool.RunPython("""
            import hashlib, sys, numpy as np, tifffile
            a = tifffile.imread(sys.argv[1])
            print(hashlib.sha256(a.astype(a.dtype.newbyteorder('<')).tobytes()).hexdigest(), 'x'.join(map(str, a.shape)))
            """, plain);
        Assert.Equal($"{Convert.ToHexStringLower(SHA256.HashData(data))} {Shape.Z}x{Shape.Y}x{Shape.X}", hash.Trim());
        using var reader = VolumeIO.Open(path);
        Assert.Equal(data, TestVolumes.ReadAll(reader));
    }

    [Fact]
    public void Tiffinfo_shows_sane_tags_for_stack_slices_and_pages()
    {
        var data = TestVolumes.Pattern(Shape, VoxelType.Float32);
        var stack = Write(VolumeFormat.TiffStack, VoxelType.Float32, OutputCompression.Deflate, data, "stack");
        Assert.Equal(["recon_00000.tif", "recon_00001.tif", "recon_00002.tif", "recon_00003.tif"],
            Directory.GetFiles(stack).Select(Path.GetFileName).Order());
        var slice = ExternalTool.RunChecked("tiffinfo", Path.Combine(stack, "recon_00002.tif"));
        Assert.Contains($"Image Width: {Shape.X} Image Length: {Shape.Y}", slice);
        Assert.Contains("Bits/Sample: 32", slice);
        Assert.Contains("Sample Format: IEEE floating point", slice);
        Assert.Contains("Compression Scheme: AdobeDeflate", slice);
        Assert.Contains("Photometric Interpretation: min-is-black", slice);
        Assert.Contains("Samples/Pixel: 1", slice);

        var u16 = TestVolumes.Pattern(Shape, VoxelType.UInt16);
        var file = Write(VolumeFormat.MultiPageTiff, VoxelType.UInt16, OutputCompression.None, u16, "pages.tif");
        var pages = ExternalTool.RunChecked("tiffinfo", file);
        Assert.Equal(Shape.Z, CountOccurrences(pages, "TIFF Directory at offset"));
        Assert.Equal(Shape.Z, CountOccurrences(pages, "Bits/Sample: 16"));
        Assert.Equal(Shape.Z, CountOccurrences(pages, "Sample Format: unsigned integer"));
        Assert.Contains("Compression Scheme: None", pages);
    }

    [Fact]
    public void Attributes_land_as_json_in_the_first_image_description_even_when_set_after_the_slices()
    {
        var data = TestVolumes.Pattern(Shape, VoxelType.UInt16);
        var attributes = new Dictionary<string, string> { ["tomocrop.source"] = "/data/scan 7/recon", ["tomocrop.box_zyx"] = "[[1,3],[2,9],[0,23]]" };
        var paths = new List<string>();
        foreach (var format in new[] { VolumeFormat.TiffStack, VolumeFormat.MultiPageTiff })
        {
            var path = _dir.File(format == VolumeFormat.TiffStack ? "attr-stack" : "attr.tif");
            using (var writer = VolumeIO.Create(path, Shape, VoxelType.UInt16, new VolumeWriteOptions { Format = format, Compression = OutputCompression.Deflate }))
            {
                writer.SetAttributes(new Dictionary<string, string> { ["tomocrop.source"] = "replaced later" });
                writer.WriteSlices(data, Shape.Z);
                writer.SetAttributes(attributes);
                writer.Complete();
            }
            paths.Add(format == VolumeFormat.TiffStack ? Path.Combine(path, "slice_00000.tif") : path);
            using var reader = VolumeIO.Open(path);
            Assert.Equal(data, TestVolumes.ReadAll(reader));
        }
        var output = ExternalTool.RunPython("""
            import json, sys, hashlib, tifffile
            for p in sys.argv[1:]:
                with tifffile.TiffFile(p) as t:
                    d = json.loads(t.pages[0].description)
                    a = t.asarray()
                    print(json.dumps({'desc': d, 'pages': len(t.pages), 'shape': list(a.shape), 'series': len(t.series)}))
            """, [.. paths]);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var desc = json.RootElement.GetProperty("desc");
            Assert.Equal("/data/scan 7/recon", desc.GetProperty("attributes").GetProperty("tomocrop.source").GetString());
            Assert.Equal("[[1,3],[2,9],[0,23]]", desc.GetProperty("attributes").GetProperty("tomocrop.box_zyx").GetString());
        }
        using (var stackSlice = JsonDocument.Parse(lines[0]))
        {
            Assert.False(stackSlice.RootElement.GetProperty("desc").TryGetProperty("shape", out _));
            Assert.Equal(1, stackSlice.RootElement.GetProperty("pages").GetInt32());
        }
        using (var multi = JsonDocument.Parse(lines[1]))
        {
            // The rewritten first directory keeps the page chain intact: tifffile sees all pages as one (z, y, x) series.
            Assert.Equal(Shape.Z, multi.RootElement.GetProperty("pages").GetInt32());
            Assert.Equal(1, multi.RootElement.GetProperty("series").GetInt32());
            Assert.Equal([Shape.Z, Shape.Y, Shape.X], multi.RootElement.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        }
    }

    [Theory]
    [InlineData(OutputCompression.None)]
    [InlineData(OutputCompression.Deflate)]
    public void Writer_forced_to_bigtiff_is_read_by_tifffile_and_by_us(OutputCompression compression)
    {
        var data = TestVolumes.Pattern(Shape, VoxelType.Float32);
        var path = _dir.File($"big-{compression}.tif");
        using (var writer = new MultiPageTiffWriter(path, Shape, VoxelType.Float32, compression, bigTiff: true))
        {
            writer.SetAttributes(new Dictionary<string, string> { ["k"] = "v" });
            TestVolumes.WriteAll(writer, data);
        }
        var output = ExternalTool.RunPython("""
            import sys, hashlib, tifffile
            with tifffile.TiffFile(sys.argv[1]) as t:
                a = t.asarray()
                print(t.is_bigtiff, hashlib.sha256(a.astype('<f4').tobytes()).hexdigest(), t.pages[0].description)
            """, path);
        Assert.Equal($"True {Convert.ToHexStringLower(SHA256.HashData(data))} {{\"shape\":[4,19,23],\"attributes\":{{\"k\":\"v\"}}}}", output.Trim());
        using var reader = VolumeIO.Open(path);
        Assert.Equal(data, TestVolumes.ReadAll(reader));
    }

    [Fact]
    public void BigTiff_is_chosen_only_when_the_output_could_pass_4_GiB()
    {
        Assert.False(MultiPageTiffFormat.NeedsBigTiff(new VolumeShape(200, 2048, 2048), VoxelType.Float32, OutputCompression.None)); // 3.4 GB
        Assert.True(MultiPageTiffFormat.NeedsBigTiff(new VolumeShape(260, 2048, 2048), VoxelType.Float32, OutputCompression.None)); // 4.4 GB
        Assert.True(MultiPageTiffFormat.NeedsBigTiff(new VolumeShape(200, 2048, 2048), VoxelType.Float32, OutputCompression.Lzw)); // LZW may expand
    }

    [Fact]
    public void Stack_names_widen_past_99999_slices_and_an_abandoned_writer_leaves_nothing()
    {
        var wide = _dir.File("wide");
        using (var writer = new TiffStackWriter(wide, new VolumeShape(100001, 2, 2), VoxelType.UInt8, new VolumeWriteOptions { Format = VolumeFormat.TiffStack }))
        {
            Assert.Equal(Path.Combine(wide, "slice_000007.tif"), writer.SlicePath(7));
            Assert.Equal(Path.Combine(wide, "slice_100000.tif"), writer.SlicePath(100000));
        }
        Assert.False(Directory.Exists(wide));

        var data = TestVolumes.Pattern(Shape, VoxelType.UInt8);
        var stack = _dir.File("abandoned");
        var file = _dir.File("abandoned.tif");
        using (var writer = VolumeIO.Create(stack, Shape, VoxelType.UInt8, new VolumeWriteOptions { Format = VolumeFormat.TiffStack }))
        using (var multi = VolumeIO.Create(file, Shape, VoxelType.UInt8, new VolumeWriteOptions { Format = VolumeFormat.MultiPageTiff }))
        {
            writer.WriteSlices(data.AsSpan(0, 2 * 19 * 23), 2);
            multi.WriteSlices(data.AsSpan(0, 2 * 19 * 23), 2);
            Assert.Equal(2, Directory.GetFiles(stack).Length);
            Assert.True(File.Exists(file));
            Assert.Throws<VolumeException>(() => writer.Complete());
            Assert.Throws<VolumeException>(() => multi.Complete());
        }
        Assert.False(Directory.Exists(stack));
        Assert.False(File.Exists(file));
    }

    private static int CountOccurrences(string text, string what)
    {
        var count = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
