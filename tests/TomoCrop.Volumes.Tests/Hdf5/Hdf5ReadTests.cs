using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Volumes.Tests.Hdf5;

/// <summary>Files h5py writes (contiguous, chunked, gzip, shuffle, big-endian, NeXus, custom paths) read bit-exactly.</summary>
public sealed class Hdf5ReadTests(H5pyFiles files) : IClassFixture<H5pyFiles>
{
    private static readonly VolumeShape Shape = new(20, 30, 25);

    public static TheoryData<string> CaseNames() => [.. H5pyFiles.Cases.Select(c => c.Name)];

    private IVolumeReader Open(string name)
    {
        var (_, askFor, _, _) = H5pyFiles.Cases.Single(c => c.Name == name);
        return VolumeIO.Open(files.File(name), new VolumeOpenOptions { DatasetPath = askFor });
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Whole_volume_is_bit_exact_and_info_matches(string name)
    {
        var (_, _, dataset, dtype) = H5pyFiles.Cases.Single(c => c.Name == name);
        using var reader = Open(name);
        Assert.Equal(VolumeFormat.Hdf5, reader.Info.Format);
        Assert.Equal(Shape, reader.Info.Shape);
        Assert.Equal(dtype, reader.Info.VoxelType.NumpyName());
        Assert.Equal(dataset, reader.Info.DatasetPath);
        Assert.Equal(name.StartsWith("big_endian") ? ByteOrder.Big : ByteOrder.Little, reader.Info.ByteOrder);
        Assert.Equal(files.Expected(name), TestVolumes.ReadAll(reader));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Windows_not_aligned_to_chunks_are_bit_exact(string name)
    {
        var expected = files.Expected(name);
        using var reader = Open(name);
        var type = reader.Info.VoxelType;
        VoxelBox[] boxes =
        [
            new(new(3, 17), new(5, 29), new(2, 23)),
            new(new(6, 8), new(12, 14), new(10, 12)),
            new(new(19, 20), new(0, 30), new(24, 25)),
            new(new(0, 20), new(29, 30), new(0, 25)),
            new(new(13, 14), new(0, 30), new(0, 25)),
        ];
        foreach (var box in boxes)
        {
            var window = new byte[box.VoxelCount * type.Size()];
            reader.ReadBox(box, window);
            Assert.True(TestVolumes.Extract(expected, Shape, type, box).AsSpan().SequenceEqual(window), $"box {box}");
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Strided_and_slab_reads_are_bit_exact(string name)
    {
        var expected = files.Expected(name);
        using var reader = Open(name);
        var type = reader.Info.VoxelType;
        var size = type.Size();
        var box = new VoxelBox(new(1, 19), new(2, 29), new(3, 24));
        var outShape = VolumeSampling.StridedShape(box, 3, 2, 4);
        var strided = new byte[outShape.VoxelCount * size];
        VolumeSampling.ReadStrided(reader, box, 3, 2, 4, strided);
        var manual = new List<byte>();
        for (var z = box.Z.Start; z < box.Z.Stop; z += 3)
        for (var y = box.Y.Start; y < box.Y.Stop; y += 2)
        for (var x = box.X.Start; x < box.X.Stop; x += 4)
        {
            manual.AddRange(expected.AsSpan((int)((((long)z * Shape.Y + y) * Shape.X + x) * size), size).ToArray());
        }
        Assert.Equal(manual.ToArray(), strided);

        // Slabs of three slices (a 3-slice buffer budget) stitched back together give the whole volume.
        var slabs = new List<byte>();
        var limits = IoLimits.Default with { MaxBufferBytes = 3 * Shape.SliceVoxels * size };
        VolumeSampling.ForEachSlab(reader, VoxelBox.Full(Shape), limits, (_, _, slab) => slabs.AddRange(slab.ToArray()));
        Assert.Equal(expected, slabs.ToArray());
    }
}
