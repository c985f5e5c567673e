using TomoCrop.TestSupport;

namespace TomoCrop.Volumes.Tests.Hdf5;

/// <summary>
/// Volumes written by h5py (the reference HDF5 library) once per test class: every layout, filter, byte order
/// and location the reader must handle, each with NAME.bin holding its voxels as little-endian C-ordered bytes.
/// </summary>
public sealed class H5pyFiles : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-h5py-");

    /// <summary>File name, dataset path to ask for (null: let the reader find it), dataset it must find, numpy dtype.</summary>
    public static readonly (string Name, string? AskFor, string Dataset, string Dtype)[] Cases =
    [
        ("contiguous_f4.h5", null, "/exchange/data", "float32"),
        ("chunked_u2_nexus.h5", null, "/entry/data/data", "uint16"),
        ("gzip_shuffle_f4_custom.h5", "/custom/recon/vol", "/custom/recon/vol", "float32"),
        ("big_endian_f4.h5", null, "/exchange/data", "float32"),
        ("big_endian_i2_gzip.h5", null, "/exchange/data", "int16"),
        ("gzip_f8.h5", null, "/exchange/data", "float64"),
        ("only_3d_u1.h5", null, "/scan/rec/volume", "uint8"),
        ("chunked_i4_u4.h5", "/b", "/b", "uint32"),
        ("userblock_i2.h5", null, "/exchange/data", "int16"),
        ("libver_latest_gzip_f4.h5", null, "/exchange/data", "float32"),
    ];

    public H5pyFiles()
    {
        ExternalTool.RunPython("""
            import os, sys, h5py, numpy as np
            out = sys.argv[1]
            shape = (20, 30, 25)
            z, y, x = np.indices(shape)
            rng = np.random.default_rng(7)
            def volume(dtype):
                base = z * 131 + y * 17 + x
                if np.dtype(dtype).kind == 'f':
                    return (base * 0.001 + rng.random(shape) - 0.5).astype(dtype)
                info = np.iinfo(np.dtype(dtype))
                return ((base * 7919 + rng.integers(0, 100, shape)) % (int(info.max) - int(info.min) + 1) + int(info.min)).astype(dtype)
            def save(name, path, a, file_options={}, **kw):
                with h5py.File(os.path.join(out, name), 'a', **file_options) as f:
                    f.create_dataset(path, data=a, **kw)
                with open(os.path.join(out, name[:-3] + '.bin'), 'wb') as b:
                    b.write(a.astype(a.dtype.newbyteorder('<')).tobytes())
            save('contiguous_f4.h5', '/exchange/data', volume('<f4'))
            save('chunked_u2_nexus.h5', '/entry/data/data', volume('<u2'), chunks=(7, 13, 11))
            save('gzip_shuffle_f4_custom.h5', '/custom/recon/vol', volume('<f4'), chunks=(7, 13, 11), compression='gzip', shuffle=True)
            save('big_endian_f4.h5', '/exchange/data', volume('>f4'))
            save('big_endian_i2_gzip.h5', '/exchange/data', volume('>i2'), chunks=(7, 13, 11), compression='gzip', compression_opts=6, shuffle=True)
            save('gzip_f8.h5', '/exchange/data', volume('<f8'), chunks=(4, 30, 25), compression='gzip')
            with h5py.File(os.path.join(out, 'only_3d_u1.h5'), 'w') as f:
                f['scan/preview'] = np.zeros((30, 25), 'u2')
                f['scan/title'] = 'not a volume'
                f['scan/angles'] = np.linspace(0, 180, 20)
            save('only_3d_u1.h5', '/scan/rec/volume', volume('u1'), chunks=(20, 1, 25))
            with h5py.File(os.path.join(out, 'chunked_i4_u4.h5'), 'w') as f:
                f.create_dataset('a', data=volume('<i4'), chunks=(3, 7, 5))
            save('chunked_i4_u4.h5', '/b', volume('<u4'), chunks=(3, 7, 5), compression='gzip', shuffle=True)
            # A 512-byte user block puts the superblock at byte 512; libver='latest' gives superblock v3, v2 object
            # headers and the newer chunk indexes.
            save('userblock_i2.h5', '/exchange/data', volume('<i2'), file_options=dict(userblock_size=512))
            save('libver_latest_gzip_f4.h5', '/exchange/data', volume('<f4'), file_options=dict(libver='latest'), chunks=(7, 13, 11), compression='gzip', shuffle=True)
            """, _dir.Path);
    }

    public string File(string name) => _dir.File(name);

    public byte[] Expected(string name) => System.IO.File.ReadAllBytes(_dir.File(name[..^3] + ".bin"));

    public void Dispose() => _dir.Dispose();
}
