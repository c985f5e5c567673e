using System.Security.Cryptography;
using System.Text.Json;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Volumes.Tests.Hdf5;

/// <summary>Files this writer produces, checked by h5py and h5dump (the real HDF5 library) and read back.</summary>
public sealed class Hdf5WriteTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>h5py's view of datasets given as (file, dataset) argument pairs, one JSON line each: dtype, shape, chunks, filters, SHA-256 of the little-endian bytes, attributes.</summary>
    private const string DescribeScript = """
        import hashlib, json, sys, h5py, numpy as np
        args = sys.argv[1:]
        for path, name in zip(args[0::2], args[1::2]):
            with h5py.File(path, 'r') as f:
                d = f[name]
                a = d[()]
                le = a.astype(a.dtype.newbyteorder('<'))
                attrs = {k: (v.decode('utf-8') if isinstance(v, (bytes, np.bytes_)) else str(v)) for k, v in d.attrs.items()}
                print(json.dumps({'dtype': str(a.dtype), 'shape': list(a.shape), 'chunks': list(d.chunks or []),
                                  'compression': d.compression, 'shuffle': bool(d.shuffle),
                                  'sha256': hashlib.sha256(le.tobytes()).hexdigest(), 'attrs': attrs}))
        """;

    private static JsonElement DescribeWithH5py(string path, string dataset) =>
        JsonDocument.Parse(ExternalTool.RunPython(DescribeScript, path, dataset)).RootElement;

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    [Fact]
    public void Every_voxel_type_with_and_without_deflate_is_read_by_h5py_bit_exactly_with_attributes()
    {
        var shape = new VolumeShape(7, 9, 11);
        var written = new List<(string Path, VoxelType Type, bool Deflate, byte[] Data)>();
        foreach (var type in Enum.GetValues<VoxelType>())
        {
            foreach (var deflate in new[] { false, true })
            {
                var data = TestVolumes.Pattern(shape, type, seed: (int)type + 1);
                var path = _dir.File($"{type.NumpyName()}-{(deflate ? "deflate" : "plain")}.h5");
                var options = new VolumeWriteOptions { Compression = deflate ? OutputCompression.Deflate : OutputCompression.None };
                using (var writer = VolumeIO.Create(path, shape, type, options))
                {
                    writer.SetAttributes(new Dictionary<string, string> { ["source"] = "/data/scan_0001/recon.h5", ["dtype"] = type.NumpyName() });
                    TestVolumes.WriteAll(writer, data);
                }
                written.Add((path, type, deflate, data));
            }
        }

        // One interpreter for all sixteen files keeps the test fast.
        var lines = ExternalTool.RunPython(DescribeScript, [.. written.SelectMany(w => new[] { w.Path, "/exchange/data" })])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(written.Count, lines.Length);
        foreach (var ((path, type, deflate, data), line) in written.Zip(lines))
        {
            var h5py = JsonDocument.Parse(line).RootElement;
            var what = Path.GetFileName(path);
            Assert.True(type.NumpyName() == h5py.GetProperty("dtype").GetString(), what);
            Assert.Equal([7, 9, 11], h5py.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
            Assert.True(Sha256(data) == h5py.GetProperty("sha256").GetString(), $"{what}: h5py reads other bytes");
            Assert.True((deflate ? "gzip" : null) == h5py.GetProperty("compression").GetString(), what);
            Assert.True(deflate == h5py.GetProperty("shuffle").GetBoolean(), what);
            var attrs = h5py.GetProperty("attrs");
            Assert.Equal("/data/scan_0001/recon.h5", attrs.GetProperty("source").GetString());
            Assert.Equal(type.NumpyName(), attrs.GetProperty("dtype").GetString());
            Assert.Equal(2, attrs.EnumerateObject().Count());

            using var reader = VolumeIO.Open(path);
            Assert.Equal(type, reader.Info.VoxelType);
            Assert.True(data.AsSpan().SequenceEqual(TestVolumes.ReadAll(reader)), $"{what}: read back differs");
        }

        var dump = ExternalTool.RunChecked("h5dump", "-H", "-p", written.Single(w => w.Type == VoxelType.Int16 && w.Deflate).Path);
        Assert.Contains("H5T_STD_I16LE", dump);
        Assert.Contains("COMPRESSION DEFLATE { LEVEL 1 }", dump);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Chunk_depth_not_dividing_z_is_read_by_h5py_and_shown_by_h5dump(bool deflate)
    {
        // 1.5 MiB float32 slices: two slices per chunk (<= 4 MiB), and 5 slices leave a short last chunk.
        var shape = new VolumeShape(5, 768, 512);
        var data = TestVolumes.Pattern(shape, VoxelType.Float32);
        var path = _dir.File("tail.h5");
        var options = new VolumeWriteOptions
        {
            Compression = deflate ? OutputCompression.Deflate : OutputCompression.None,
            DatasetPath = "/recon/volume",
        };
        using (var writer = VolumeIO.Create(path, shape, VoxelType.Float32, options))
        {
            // Slices arrive one, then three, then one: staging must regroup them into (2, Y, X) chunks.
            var slice = (int)writer.Info.SliceBytes;
            writer.WriteSlices(data.AsSpan(0, slice), 1);
            writer.SetAttributes(new Dictionary<string, string> { ["box_zyx"] = "[[0,5],[0,768],[0,512]]" });
            writer.WriteSlices(data.AsSpan(slice, 3 * slice), 3);
            writer.WriteSlices(data.AsSpan(4 * slice, slice), 1);
            writer.Complete();
        }

        var h5py = DescribeWithH5py(path, "/recon/volume");
        Assert.Equal([2, 768, 512], h5py.GetProperty("chunks").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(Sha256(data), h5py.GetProperty("sha256").GetString());
        Assert.Equal("[[0,5],[0,768],[0,512]]", h5py.GetProperty("attrs").GetProperty("box_zyx").GetString());

        var dump = ExternalTool.RunChecked("h5dump", "-H", "-p", "-d", "/recon/volume", path);
        Assert.Contains("DATASET \"/recon/volume\"", dump);
        Assert.Contains("H5T_IEEE_F32LE", dump);
        Assert.Contains("CHUNKED ( 2, 768, 512 )", dump);
        Assert.Contains("ATTRIBUTE \"box_zyx\"", dump);
        if (deflate)
        {
            Assert.Contains("SHUFFLE", dump);
            Assert.Contains("COMPRESSION DEFLATE", dump);
        }
        else
        {
            Assert.DoesNotContain("DEFLATE", dump);
        }

        using var reader = VolumeIO.Open(path, new VolumeOpenOptions { DatasetPath = "/recon/volume" });
        var box = new VoxelBox(new(1, 4), new(100, 333), new(7, 500));
        var window = new byte[box.VoxelCount * 4];
        reader.ReadBox(box, window);
        Assert.Equal(TestVolumes.Extract(data, shape, VoxelType.Float32, box), window);
    }

    [Fact]
    public void Attributes_set_after_writing_replace_earlier_values_and_many_fit()
    {
        var shape = new VolumeShape(3, 4, 5);
        var data = TestVolumes.Pattern(shape, VoxelType.UInt16);
        var path = _dir.File("attrs.h5");
        var expected = new Dictionary<string, string>();
        using (var writer = VolumeIO.Create(path, shape, VoxelType.UInt16, new VolumeWriteOptions()))
        {
            writer.SetAttributes(new Dictionary<string, string> { ["sha256"] = "pending" });
            writer.WriteSlices(data, 3);
            for (var i = 0; i < 20; i++)
            {
                expected[$"key_{i:00}"] = new string('v', i * 37) + " ünïcødé";
            }
            expected["sha256"] = Sha256(data);
            expected["empty"] = "";
            writer.SetAttributes(expected);
            writer.Complete();
        }
        var attrs = DescribeWithH5py(path, "/exchange/data").GetProperty("attrs");
        Assert.Equal(expected.Count, attrs.EnumerateObject().Count());
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, attrs.GetProperty(key).GetString());
        }
    }

    [Fact]
    public void Without_attributes_the_reserved_space_leaves_no_trace()
    {
        var shape = new VolumeShape(2, 3, 4);
        var data = TestVolumes.Pattern(shape, VoxelType.Float64);
        var path = _dir.File("bare.h5");
        using (var writer = VolumeIO.Create(path, shape, VoxelType.Float64, new VolumeWriteOptions { DatasetPath = "entry/data/data" }))
        {
            TestVolumes.WriteAll(writer, data);
        }
        var h5py = DescribeWithH5py(path, "/entry/data/data");
        Assert.Empty(h5py.GetProperty("attrs").EnumerateObject());
        Assert.Equal(Sha256(data), h5py.GetProperty("sha256").GetString());
        Assert.DoesNotContain("ATTRIBUTE", ExternalTool.RunChecked("h5dump", "-H", path));
    }

    [Fact]
    public void Attributes_beyond_the_reserved_space_are_refused()
    {
        var path = _dir.File("big-attrs.h5");
        using var writer = VolumeIO.Create(path, new VolumeShape(2, 2, 2), VoxelType.UInt8, new VolumeWriteOptions());
        var error = Assert.Throws<VolumeException>(() =>
            writer.SetAttributes(new Dictionary<string, string> { ["huge"] = new string('x', 70_000) }));
        Assert.Contains("big-attrs.h5", error.Message);
        Assert.Contains("reserved", error.Message);
    }

    [Fact]
    public void Create_in_a_missing_directory_is_refused_naming_the_file()
    {
        var path = _dir.File("no/such/dir/out.h5");
        var error = Assert.Throws<VolumeException>(() =>
            VolumeIO.Create(path, new VolumeShape(2, 2, 2), VoxelType.UInt8, new VolumeWriteOptions()));
        Assert.StartsWith(path + ": ", error.Message);
    }

    [Fact]
    public void Lzw_is_refused_at_create_and_leaves_no_file()
    {
        var path = _dir.File("lzw.h5");
        var error = Assert.Throws<VolumeException>(() =>
            VolumeIO.Create(path, new VolumeShape(2, 2, 2), VoxelType.UInt8, new VolumeWriteOptions { Compression = OutputCompression.Lzw }));
        Assert.Contains("lzw.h5", error.Message);
        Assert.Contains("LZW", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Abandoned_writer_removes_its_file_and_incomplete_volume_is_refused()
    {
        var path = _dir.File("abandoned.h5");
        var shape = new VolumeShape(4, 3, 3);
        using (var writer = VolumeIO.Create(path, shape, VoxelType.Int16, new VolumeWriteOptions()))
        {
            writer.WriteSlices(new byte[2 * 3 * 3 * 2], 2);
            var error = Assert.Throws<VolumeException>(writer.Complete);
            Assert.Contains("only 2 of 4 slices", error.Message);
        }
        Assert.False(File.Exists(path));
    }
}
