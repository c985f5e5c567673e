using TomoCrop.TestSupport;

namespace TomoCrop.Volumes.Tests.Tiff;

/// <summary>Files tifffile and tiffcp wrote are read bit-exactly: whole, in unaligned windows, and strided.</summary>
public sealed class TiffReaderInteropTests(TifffileSuite suite) : IClassFixture<TifffileSuite>
{
    [Theory]
    [InlineData("stack_recon", VolumeFormat.TiffStack)]
    [InlineData("stack_natural", VolumeFormat.TiffStack)]
    [InlineData("stack_be_zlib_upper", VolumeFormat.TiffStack)]
    [InlineData("multi_u16.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_i16_zlib_pred.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_u8.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_i8_deflate.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_f32_bigtiff.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_f32_be.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_u16_be_zlib.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_u16_tiled.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_f32_tiled_zlib_be.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_f32_strips3.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_i32.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_u32_bigtiff_zlib.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("multi_f64.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("cp_u16_lzw.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("cp_u16_lzw_pred_be.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("cp_f32_zip_fpred.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("cp_f32_lzw_fpred_be.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("cp_f64_zip_fpred_be.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("cp_i16_packbits.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("cp_i32_zip_pred_be.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("cp_f32_zip_pred2_tiled.tif", VolumeFormat.MultiPageTiff)]
    [InlineData("cp_u8_tiled_lzw.tif", VolumeFormat.MultiPageTiff)]
    public void Volume_reads_bit_exactly_whole_in_windows_and_strided(string name, VolumeFormat format)
    {
        var (shape, type, expected) = suite.Expected(name);
        using var reader = VolumeIO.Open(suite.PathOf(name));
        Assert.Equal(format, reader.Info.Format);
        Assert.Equal(shape, reader.Info.Shape);
        Assert.Equal(type, reader.Info.VoxelType);
        Assert.Equal(expected, TestVolumes.ReadAll(reader));

        VoxelBox[] windows =
        [
            new(new(1, shape.Z - 1), new(3, shape.Y - 2), new(5, shape.X - 7)),  // unaligned interior
            new(new(shape.Z - 1, shape.Z), new(shape.Y - 1, shape.Y), new(shape.X - 1, shape.X)), // last voxel
            new(new(0, shape.Z), new(17, 18), new(0, shape.X)),                 // one row
            new(new(2, 3), new(0, shape.Y), new(15, 17)),                       // a column pair across tiles
            new(new(0, 2), new(14, 35), new(0, shape.X)),                       // full rows across strip/tile edges
        ];
        foreach (var box in windows)
        {
            var window = new byte[box.VoxelCount * type.Size()];
            reader.ReadBox(box, window);
            Assert.True(TestVolumes.Extract(expected, shape, type, box).AsSpan().SequenceEqual(window), $"window {box} differs");
        }

        var stridedBox = new VoxelBox(new(0, shape.Z), new(1, shape.Y), new(2, shape.X - 1));
        var stridedShape = VolumeSampling.StridedShape(stridedBox, 2, 3, 4);
        var strided = new byte[stridedShape.VoxelCount * type.Size()];
        VolumeSampling.ReadStrided(reader, stridedBox, 2, 3, 4, strided);
        var size = type.Size();
        var o = 0;
        for (var z = stridedBox.Z.Start; z < stridedBox.Z.Stop; z += 2)
        for (var y = stridedBox.Y.Start; y < stridedBox.Y.Stop; y += 3)
        for (var x = stridedBox.X.Start; x < stridedBox.X.Stop; x += 4, o += size)
        {
            var at = (int)((((long)z * shape.Y + y) * shape.X + x) * size);
            Assert.True(expected.AsSpan(at, size).SequenceEqual(strided.AsSpan(o, size)), $"strided voxel ({z},{y},{x}) differs");
        }
    }

    [Fact]
    public void Row_by_row_strided_reads_of_a_stack_match_when_the_window_exceeds_the_buffer()
    {
        var (shape, type, expected) = suite.Expected("stack_natural");
        using var reader = VolumeIO.Open(suite.PathOf("stack_natural"));
        var box = VoxelBox.Full(shape);
        var strided = new byte[VolumeSampling.StridedShape(box, 5, 1, 1).VoxelCount * type.Size()];
        // A tiny buffer budget forces ReadStrided to fetch one row per ReadBox call.
        VolumeSampling.ReadStrided(reader, box, 5, 1, 1, strided, new IoLimits { MaxBufferBytes = 64 });
        var sliceBytes = (int)(shape.SliceVoxels * type.Size());
        var want = new[] { 0, 5, 10 }.SelectMany(z => expected.AsSpan(z * sliceBytes, sliceBytes).ToArray()).ToArray();
        Assert.Equal(want, strided);
    }
}
