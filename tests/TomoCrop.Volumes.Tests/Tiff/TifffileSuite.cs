using TomoCrop.TestSupport;

namespace TomoCrop.Volumes.Tests.Tiff;

/// <summary>
/// TIFF volumes written once per test run by real clients: tifffile (stacks, multi-page, BigTIFF, tiles,
/// zlib/deflate, big-endian, predictor) and libtiff's tiffcp (LZW, PackBits, floating-point predictor, big-endian
/// LZW). Beside each, NAME.expected holds the voxels as little-endian C-order bytes and NAME.shape "z y x dtype".
/// </summary>
public sealed class TifffileSuite : IDisposable
{
    public const string Script = """
        import os, sys, subprocess, numpy as np, tifffile
        root = sys.argv[1]
        Z, Y, X = 5, 37, 45

        def volume(dtype, seed, Z=Z):
            rng = np.random.default_rng(seed)
            z, y, x = np.meshgrid(np.arange(Z), np.arange(Y), np.arange(X), indexing='ij')
            pos = (z * 131 + y * 17 + x).astype(np.int64)
            dt = np.dtype(dtype)
            if dt.kind == 'f':
                return (pos * 0.001 + rng.random((Z, Y, X)) - 0.5).astype(dt)
            info = np.iinfo(dt)
            return ((pos * 7 + rng.integers(0, 5, (Z, Y, X))) % (int(info.max) - int(info.min) + 1) + int(info.min)).astype(dt)

        def expect(name, a):
            a.astype(a.dtype.newbyteorder('<')).tofile(os.path.join(root, name + '.expected'))
            with open(os.path.join(root, name + '.shape'), 'w') as f:
                f.write('%d %d %d %s' % (a.shape + (a.dtype.name,)))

        def multi(name, dtype, seed, **kw):
            a = volume(dtype, seed)
            tifffile.imwrite(os.path.join(root, name), a, **kw)
            expect(name, a)
            return a

        def stack(name, dtype, seed, names, **kw):
            a = volume(dtype, seed, len(names))
            os.mkdir(os.path.join(root, name))
            for i, n in enumerate(names):
                tifffile.imwrite(os.path.join(root, name, n), a[i], **kw)
            expect(name, a)
            return a

        stack('stack_recon', 'float32', 1, ['recon_%05d.tif' % i for i in range(Z)])
        stack('stack_natural', 'uint16', 2, ['s_%d.tif' % i for i in range(1, 13)])
        d = os.path.join(root, 'stack_natural')
        for junk in ('.s_6.tif', 's_6.tif.part', 's_6.tif.tmp', 'notes.txt'):
            open(os.path.join(d, junk), 'wb').write(b'not a tiff')
        stack('stack_be_zlib_upper', 'int16', 3, ['SLICE_%04d.TIFF' % i for i in range(Z)], byteorder='>', compression='zlib')

        multi('multi_u16.tif', 'uint16', 4)
        multi('multi_i16_zlib_pred.tif', 'int16', 5, compression='zlib', predictor=True)
        multi('multi_u8.tif', 'uint8', 6)
        multi('multi_i8_deflate.tif', 'int8', 7, compression='deflate')
        multi('multi_f32_bigtiff.tif', 'float32', 8, bigtiff=True)
        multi('multi_f32_be.tif', 'float32', 9, byteorder='>')
        multi('multi_u16_be_zlib.tif', 'uint16', 10, byteorder='>', compression='zlib')
        multi('multi_u16_tiled.tif', 'uint16', 11, tile=(16, 16))
        multi('multi_f32_tiled_zlib_be.tif', 'float32', 12, tile=(16, 32), compression='zlib', byteorder='>')
        multi('multi_f32_strips3.tif', 'float32', 13, rowsperstrip=3)
        multi('multi_i32.tif', 'int32', 14)
        multi('multi_u32_bigtiff_zlib.tif', 'uint32', 15, bigtiff=True, compression='zlib')
        multi('multi_f64.tif', 'float64', 16)

        def tiffcp(source, name, *args):
            subprocess.run(['tiffcp', *args, os.path.join(root, source), os.path.join(root, name)], check=True)
            for ext in ('.expected', '.shape'):
                with open(os.path.join(root, source + ext), 'rb') as f, open(os.path.join(root, name + ext), 'wb') as g:
                    g.write(f.read())

        tiffcp('multi_u16.tif', 'cp_u16_lzw.tif', '-c', 'lzw')
        tiffcp('multi_u16.tif', 'cp_u16_lzw_pred_be.tif', '-B', '-c', 'lzw:2', '-r', '4')
        tiffcp('multi_f32_strips3.tif', 'cp_f32_zip_fpred.tif', '-c', 'zip:3')
        tiffcp('multi_f32_strips3.tif', 'cp_f32_lzw_fpred_be.tif', '-B', '-c', 'lzw:3')
        tiffcp('multi_f64.tif', 'cp_f64_zip_fpred_be.tif', '-B', '-c', 'zip:3', '-r', '8')
        tiffcp('multi_i32.tif', 'cp_i32_zip_pred_be.tif', '-B', '-c', 'zip:2', '-r', '5')
        tiffcp('multi_f32_strips3.tif', 'cp_f32_zip_pred2_tiled.tif', '-c', 'zip:2', '-t', '-w', '32', '-l', '16')
        tiffcp('multi_i16_zlib_pred.tif', 'cp_i16_packbits.tif', '-c', 'packbits')
        tiffcp('multi_u8.tif', 'cp_u8_tiled_lzw.tif', '-t', '-w', '16', '-l', '16', '-c', 'lzw')

        # Each file must really have what its name claims, or a test of it proves nothing.
        claims = {
            'stack_be_zlib_upper/SLICE_0000.TIFF': dict(byteorder='>', compression=8),
            'multi_i16_zlib_pred.tif': dict(compression=8, predictor=2),
            'multi_i8_deflate.tif': dict(compression=32946),
            'multi_f32_bigtiff.tif': dict(bigtiff=True),
            'multi_f32_be.tif': dict(byteorder='>', compression=1),
            'multi_u16_tiled.tif': dict(tiled=True, compression=1),
            'multi_f32_tiled_zlib_be.tif': dict(tiled=True, compression=8, byteorder='>'),
            'multi_f32_strips3.tif': dict(strips=13),
            'multi_u32_bigtiff_zlib.tif': dict(bigtiff=True, compression=8),
            'cp_u16_lzw.tif': dict(compression=5, predictor=1),
            'cp_u16_lzw_pred_be.tif': dict(compression=5, predictor=2, byteorder='>'),
            'cp_f32_zip_fpred.tif': dict(compression=8, predictor=3, byteorder='<'),
            'cp_f32_lzw_fpred_be.tif': dict(compression=5, predictor=3, byteorder='>'),
            'cp_f64_zip_fpred_be.tif': dict(compression=8, predictor=3, byteorder='>'),
            'cp_i16_packbits.tif': dict(compression=32773),
            'cp_i32_zip_pred_be.tif': dict(compression=8, predictor=2, byteorder='>', strips=8),
            'cp_f32_zip_pred2_tiled.tif': dict(compression=8, predictor=2, tiled=True),
            'cp_u8_tiled_lzw.tif': dict(tiled=True, compression=5),
        }
        for name, want in claims.items():
            with tifffile.TiffFile(os.path.join(root, name)) as t:
                p = t.pages[0]
                have = dict(byteorder=t.byteorder, bigtiff=t.is_bigtiff, compression=int(p.compression),
                            predictor=int(p.predictor), tiled=p.is_tiled, strips=len(p.dataoffsets))
                for k, v in want.items():
                    assert have[k] == v, (name, k, have[k], v)
        """;

    public TifffileSuite()
    {
        Directory = new TempDirectory("tomocrop-tifffile-");
        ExternalTool.RunPython(Script, Directory.Path);
    }

    public TempDirectory Directory { get; }

    public string PathOf(string name) => Directory.File(name);

    public (VolumeShape Shape, VoxelType Type, byte[] Data) Expected(string name)
    {
        var parts = File.ReadAllText(PathOf(name + ".shape")).Split(' ');
        Assert.True(VoxelTypeExtensions.TryParseNumpy(parts[3], out var type, out _));
        var shape = new VolumeShape(int.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]));
        return (shape, type, File.ReadAllBytes(PathOf(name + ".expected")));
    }

    public void Dispose() => Directory.Dispose();
}
