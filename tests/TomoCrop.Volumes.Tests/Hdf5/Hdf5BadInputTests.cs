using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Volumes.Tests.Hdf5;

/// <summary>Broken, hostile or unsuitable HDF5 input: a one-line VolumeException naming the file, never a crash or hang.</summary>
public sealed class Hdf5BadInputTests(BadHdf5Files files) : IClassFixture<BadHdf5Files>
{
    [Theory]
    [InlineData("truncated_gzip.h5", null, "truncated")]
    [InlineData("truncated_contiguous.h5", null, "truncated")]
    [InlineData("not_hdf5.h5", null, "not an HDF5 file")]
    [InlineData("two_d.h5", null, "a volume must be a 3-D dataset")]
    [InlineData("only_2d.h5", null, "no 3-D numeric dataset found")]
    [InlineData("only_2d.h5", "/images/title", "a volume must be a 3-D dataset")]
    [InlineData("four_d.h5", null, "4-D")]
    [InlineData("strings.h5", null, "unsupported voxel type string")]
    [InlineData("compound.h5", null, "unsupported voxel type compound")]
    [InlineData("bool.h5", null, "unsupported voxel type enumerated")]
    [InlineData("int64.h5", null, "unsupported voxel type fixedpoint of 8 bytes")]
    [InlineData("float16.h5", null, "unsupported voxel type floatingpoint of 2 bytes")]
    [InlineData("two_volumes.h5", null, "2 3-D numeric datasets")]
    [InlineData("fine.h5", "/exchange/missing", "dataset /exchange/missing not found")]
    [InlineData("fine.h5", "/nothing/here/at/all", "not found")]
    [InlineData("fine.h5", "/exchange", "is not a dataset")]
    [InlineData("hostile.h5", null, "exceeds")]
    [InlineData("lzf.h5", null, "filter 'lzf'")]
    [InlineData("huge_chunk.h5", null, "chunks of 1073741824 bytes")]
    [InlineData("no_such_file.h5", null, "no such file")]
    public void Bad_input_is_refused_with_one_line_naming_the_file(string name, string? datasetPath, string problem)
    {
        var path = files.File(name);
        var error = Assert.Throws<VolumeException>(() =>
        {
            using var reader = VolumeIO.Open(path, new VolumeOpenOptions { Format = VolumeFormat.Hdf5, DatasetPath = datasetPath });
            TestVolumes.ReadAll(reader);
        });
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\r', error.Message);
    }

    [Theory]
    [InlineData("lying_gzip.h5")]
    [InlineData("lying_contiguous.h5")]
    public void Missing_data_behind_a_consistent_superblock_fails_the_read_not_the_process(string name)
    {
        var path = files.File(name);
        var error = Assert.Throws<VolumeException>(() =>
        {
            using var reader = VolumeIO.Open(path);
            VolumeSampling.ForEachSlab(reader, VoxelBox.Full(reader.Info.Shape), IoLimits.Default, (_, _, _) => { });
        });
        Assert.StartsWith(path + ": ", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Detection_sends_a_fake_h5_to_the_hdf5_reader_which_refuses_it()
    {
        var path = files.File("not_hdf5.h5");
        Assert.Equal(VolumeFormat.Hdf5, VolumeIO.Detect(path));
        var error = Assert.Throws<VolumeException>(() => VolumeIO.Open(path));
        Assert.Contains("not_hdf5.h5", error.Message);
    }

    [Fact]
    public void Box_outside_the_volume_is_refused()
    {
        using var reader = VolumeIO.Open(files.File("fine.h5"));
        var box = new VoxelBox(new(0, 3), new(0, 3), new(0, 4));
        Assert.Throws<VolumeException>(() => reader.ReadBox(box, new byte[36]));
    }
}

/// <summary>The bad files, written once by h5py for the whole test class.</summary>
public sealed class BadHdf5Files : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-badh5-");

    public BadHdf5Files()
    {
        ExternalTool.RunPython("""
            import os, sys, h5py, numpy as np
            out = sys.argv[1]
            p = lambda name: os.path.join(out, name)
            def cut_in_half(name):
                size = os.path.getsize(p(name))
                with open(p(name), 'r+b') as f:
                    f.truncate(size // 2)
            a = np.arange(40 * 64 * 64, dtype='<f4').reshape(40, 64, 64)
            with h5py.File(p('truncated_gzip.h5'), 'w') as f:
                f.create_dataset('exchange/data', data=a, chunks=(4, 64, 64), compression='gzip', shuffle=True)
            cut_in_half('truncated_gzip.h5')
            with h5py.File(p('truncated_contiguous.h5'), 'w') as f:
                f['exchange/data'] = a
            cut_in_half('truncated_contiguous.h5')
            # Cut files whose superblock is patched to claim the cut length: only the data reads can notice.
            import struct
            for name, layout in (('lying_gzip.h5', dict(chunks=(4, 64, 64), compression='gzip')), ('lying_contiguous.h5', {})):
                with h5py.File(p(name), 'w') as f:
                    f.create_dataset('exchange/data', data=a, **layout)
                size = os.path.getsize(p(name))
                with open(p(name), 'r+b') as f:
                    f.truncate(size * 2 // 3)
                    f.seek(8)
                    assert f.read(1) == b'\x00'  # superblock version 0: end-of-file address at byte 40
                    f.seek(40)
                    f.write(struct.pack('<Q', size * 2 // 3))
            with open(p('not_hdf5.h5'), 'w') as f:
                f.write('this is a text file that only pretends to be HDF5\n' * 40)
            with h5py.File(p('two_d.h5'), 'w') as f:
                f['exchange/data'] = np.zeros((30, 25), 'u2')
            with h5py.File(p('only_2d.h5'), 'w') as f:
                f['images/preview'] = np.zeros((30, 25), 'u2')
                f['images/title'] = 'preview'
            with h5py.File(p('four_d.h5'), 'w') as f:
                f['exchange/data'] = np.zeros((2, 3, 4, 5), 'f4')
            with h5py.File(p('strings.h5'), 'w') as f:
                f['exchange/data'] = np.full((2, 3, 4), b'abcd', dtype='S4')
            with h5py.File(p('compound.h5'), 'w') as f:
                f['exchange/data'] = np.zeros((2, 3, 4), dtype=[('a', '<f4'), ('b', '<i2')])
            with h5py.File(p('bool.h5'), 'w') as f:
                f['exchange/data'] = np.zeros((2, 3, 4), dtype=bool)
            with h5py.File(p('int64.h5'), 'w') as f:
                f['exchange/data'] = np.zeros((2, 3, 4), dtype='<i8')
            with h5py.File(p('float16.h5'), 'w') as f:
                f['exchange/data'] = np.zeros((2, 3, 4), dtype='<f2')
            with h5py.File(p('two_volumes.h5'), 'w') as f:
                f['x/first'] = np.zeros((2, 3, 4), 'u1')
                f['y/second'] = np.zeros((2, 3, 4), 'f4')
            with h5py.File(p('hostile.h5'), 'w') as f:
                f.create_dataset('exchange/data', shape=(2**20, 2**20, 2**20), chunks=(1, 64, 64), dtype='<f4')
            with h5py.File(p('huge_chunk.h5'), 'w') as f:
                f.create_dataset('exchange/data', shape=(64, 4096, 4096), chunks=(64, 4096, 4096), dtype='u1')
            with h5py.File(p('lzf.h5'), 'w') as f:
                f.create_dataset('exchange/data', data=np.zeros((4, 5, 6), 'f4'), compression='lzf')
            with h5py.File(p('fine.h5'), 'w') as f:
                f['exchange/data'] = np.zeros((2, 3, 4), 'u1')
            """, _dir.Path);
    }


    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();
}
