using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Volumes.Tests.Raw;

public sealed class RawFormatTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<VoxelType, ByteOrder> AllTypes()
    {
        var data = new TheoryData<VoxelType, ByteOrder>();
        foreach (var type in Enum.GetValues<VoxelType>())
        {
            data.Add(type, ByteOrder.Little);
            data.Add(type, ByteOrder.Big);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Written_raw_is_read_by_numpy_bit_exactly_and_back(VoxelType type, ByteOrder order)
    {
        var shape = new VolumeShape(5, 7, 9);
        var data = TestVolumes.Pattern(shape, type);
        var path = _dir.File("vol.raw");
        using (var writer = VolumeIO.Create(path, shape, type, new VolumeWriteOptions { Format = VolumeFormat.Raw, ByteOrder = order }))
        {
            TestVolumes.WriteAll(writer, data);
        }

        // numpy reads the file with the sidecar's dtype and byte order and reports the little-endian hash input.
        var numpyBytes = ExternalTool.RunPython("""
            import json, sys, numpy as np
            meta = json.load(open(sys.argv[1] + '.json'))
            dt = np.dtype(meta['dtype']).newbyteorder('<' if meta['byte_order'] == 'little' else '>')
            a = np.fromfile(sys.argv[1], dtype=dt).reshape(meta['shape'])
            sys.stdout.write(a.astype(a.dtype.newbyteorder('<')).tobytes().hex())
            """, path);
        Assert.Equal(Convert.ToHexStringLower(data), numpyBytes);

        using var reader = VolumeIO.Open(path);
        Assert.Equal(VolumeFormat.Raw, reader.Info.Format);
        Assert.Equal(shape, reader.Info.Shape);
        Assert.Equal(order, reader.Info.ByteOrder);
        Assert.Equal(data, TestVolumes.ReadAll(reader));
    }

    [Fact]
    public void Numpy_big_endian_file_with_name_json_sidecar_reads_and_windows_match()
    {
        var path = _dir.File("scan.bin");
        ExternalTool.RunPython("""
            import json, sys, numpy as np
            a = (np.arange(6*10*12, dtype=np.int64) * 37 % 65536).astype('>u2').reshape(6, 10, 12)
            a.tofile(sys.argv[1])
            json.dump({'shape': [6, 10, 12], 'dtype': 'uint16', 'byte_order': 'big'}, open(sys.argv[2], 'w'))
            """, path, _dir.File("scan.json"));
        using var reader = VolumeIO.Open(path);
        var full = TestVolumes.ReadAll(reader);
        var expected = Enumerable.Range(0, 6 * 10 * 12).Select(i => (ushort)(i * 37 % 65536)).SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Equal(expected, full);

        var box = new VoxelBox(new(1, 4), new(2, 9), new(3, 11));
        var window = new byte[box.VoxelCount * 2];
        reader.ReadBox(box, window);
        Assert.Equal(TestVolumes.Extract(full, reader.Info.Shape, VoxelType.UInt16, box), window);
    }

    [Fact]
    public void Strided_read_takes_every_kth_voxel()
    {
        var shape = new VolumeShape(9, 8, 7);
        var data = TestVolumes.Pattern(shape, VoxelType.Float32);
        var path = _dir.File("s.raw");
        using (var writer = VolumeIO.Create(path, shape, VoxelType.Float32, new VolumeWriteOptions { Format = VolumeFormat.Raw }))
        {
            TestVolumes.WriteAll(writer, data);
        }
        using var reader = VolumeIO.Open(path);
        var box = new VoxelBox(new(1, 9), new(0, 8), new(2, 7));
        var outShape = VolumeSampling.StridedShape(box, 3, 2, 2);
        Assert.Equal(new VolumeShape(3, 4, 3), outShape);
        var strided = new byte[outShape.VoxelCount * 4];
        VolumeSampling.ReadStrided(reader, box, 3, 2, 2, strided);
        var expected = new List<byte>();
        for (var z = 1; z < 9; z += 3)
        for (var y = 0; y < 8; y += 2)
        for (var x = 2; x < 7; x += 2)
        {
            expected.AddRange(data.AsSpan((int)(((z * 8 + y) * 7 + x) * 4), 4).ToArray());
        }
        Assert.Equal(expected.ToArray(), strided);
    }

    [Fact]
    public void Truncated_raw_is_refused_naming_the_file()
    {
        var path = _dir.File("t.raw");
        File.WriteAllBytes(path, new byte[999]);
        File.WriteAllText(path + ".json", """{"shape": [10, 10, 10], "dtype": "uint8", "byte_order": "little"}""");
        var error = Assert.Throws<VolumeException>(() => VolumeIO.Open(path));
        Assert.Contains("t.raw", error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("""{"shape": [10, 10], "dtype": "uint8"}""", "shape")]
    [InlineData("""{"shape": [10, 10, 10], "dtype": "complex64"}""", "dtype")]
    [InlineData("""{"shape": [10, 10, 10], "dtype": "uint8", "byte_order": "middle"}""", "byte_order")]
    [InlineData("""{"shape": [10, -1, 10], "dtype": "uint8"}""", "shape[1]")]
    [InlineData("""not json""", "JSON")]
    [InlineData("""{"shape": [100000, 100000, 100000], "dtype": "float64"}""", "exceeds")]
    public void Bad_sidecars_are_refused_with_the_problem(string sidecar, string problem)
    {
        var path = _dir.File("b.raw");
        File.WriteAllBytes(path, new byte[1000]);
        File.WriteAllText(path + ".json", sidecar);
        var error = Assert.Throws<VolumeException>(() => VolumeIO.Open(path));
        Assert.Contains(problem, error.Message);
        Assert.Contains("b.raw", error.Message);
    }

    [Fact]
    public void Box_outside_the_volume_is_refused()
    {
        var path = _dir.File("o.raw");
        File.WriteAllBytes(path, new byte[1000]);
        File.WriteAllText(path + ".json", """{"shape": [10, 10, 10], "dtype": "uint8"}""");
        using var reader = VolumeIO.Open(path);
        var box = new VoxelBox(new(0, 11), new(0, 10), new(0, 10));
        Assert.Throws<VolumeException>(() => reader.ReadBox(box, new byte[1100]));
    }
}
