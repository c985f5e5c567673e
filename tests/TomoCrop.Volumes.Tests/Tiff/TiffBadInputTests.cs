using TomoCrop.TestSupport;
using Xunit.Abstractions;

namespace TomoCrop.Volumes.Tests.Tiff;

/// <summary>Broken and hostile TIFF inputs, written once by tifffile and Python's struct.</summary>
public sealed class BadTiffSuite : IDisposable
{
    private const string Script = """
        import os, sys, struct, numpy as np, tifffile
        root = sys.argv[1]
        def path(*p):
            return os.path.join(root, *p)
        def stack(name, slices, stem='recon_%05d.tif', **kw):
            os.mkdir(path(name))
            for i, a in enumerate(slices):
                tifffile.imwrite(path(name, stem % i), a, **kw)
        f32 = [np.full((16, 16), i, np.float32) for i in range(5)]

        stack('truncated_slice', f32)
        with open(path('truncated_slice', 'recon_00002.tif'), 'r+b') as f:
            f.truncate(100)
        stack('garbage_slice', f32)
        open(path('garbage_slice', 'recon_00003.tif'), 'wb').write(b'garbage!' * 100)
        stack('truncated_zlib_slice', f32, compression='zlib')
        p = path('truncated_zlib_slice', 'recon_00001.tif')
        with open(p, 'r+b') as f:
            f.truncate(os.path.getsize(p) - 40)
        def corrupt_first_strip(p):
            with tifffile.TiffFile(p) as t:
                offset, count = t.pages[0].dataoffsets[0], t.pages[0].databytecounts[0]
            with open(p, 'r+b') as f:
                f.seek(offset)
                f.write(b'\xff' * count)
        stack('corrupt_zlib_slice', f32, compression='zlib')
        corrupt_first_strip(path('corrupt_zlib_slice', 'recon_00004.tif'))
        tifffile.imwrite(path('corrupt_zlib.tif'), np.stack(f32), compression='zlib')
        corrupt_first_strip(path('corrupt_zlib.tif'))
        tifffile.imwrite(path('plain.tif'), np.stack(f32))
        import subprocess
        subprocess.run(['tiffcp', '-c', 'lzw', path('plain.tif'), path('corrupt_lzw.tif')], check=True)
        corrupt_first_strip(path('corrupt_lzw.tif'))
        stack('sizes', f32[:3] + [np.zeros((17, 16), np.float32)])
        stack('dtypes', [np.zeros((16, 16), np.uint16)] * 2 + [np.zeros((16, 16), np.int16)])
        stack('gap', f32[:2])
        tifffile.imwrite(path('gap', 'recon_00003.tif'), f32[3])
        stack('stray', f32[:3])
        tifffile.imwrite(path('stray', 'preview.tif'), f32[0])
        stack('rgb_stack', [np.zeros((16, 16, 3), np.uint8)] * 2, photometric='rgb')
        stack('multipage_slices', [np.zeros((2, 16, 16), np.uint16)] * 2)
        os.mkdir(path('empty'))
        os.mkdir(path('only_junk'))
        open(path('only_junk', 'notes.txt'), 'w').write('x')
        open(path('only_junk', '.hidden.tif'), 'w').write('x')

        tifffile.imwrite(path('truncated.tif'), np.arange(10 * 64 * 64, dtype=np.uint16).reshape(10, 64, 64))
        with open(path('truncated.tif'), 'r+b') as f:
            f.truncate(int(os.path.getsize(path('truncated.tif')) * 0.6))
        tifffile.imwrite(path('ten_pages.tif'), np.zeros((10, 8, 8), np.uint8))
        tifffile.imwrite(path('imagej_truncated.tif'), np.zeros((6, 8, 8), np.uint16), imagej=True, truncate=True)
        tifffile.imwrite(path('shaped_truncated.tif'), np.zeros((6, 8, 8), np.float32), truncate=True)
        tifffile.imwrite(path('rgb.tif'), np.zeros((16, 16, 3), np.uint8), photometric='rgb')
        tifffile.imwrite(path('mixed_pages.tif'), np.zeros((16, 16), np.uint16))
        tifffile.imwrite(path('mixed_pages.tif'), np.zeros((16, 20), np.uint16), append=True)
        tifffile.imwrite(path('int64.tif'), np.zeros((2, 16, 16), np.int64))

        def classic(name, entries, next_ifd=0):
            # Little-endian TIFF, IFD at 8: entries are (tag, type, count, value) with inline values.
            body = struct.pack('<H', len(entries))
            for tag, typ, count, value in sorted(entries):
                body += struct.pack('<HHII', tag, typ, count, value)
            body += struct.pack('<I', next_ifd)
            open(path(name), 'wb').write(b'II*\x00' + struct.pack('<I', 8) + body + b'\x00' * 64)
        big = 2**31 - 1
        classic('hostile_dims.tif', [(256, 4, 1, big), (257, 4, 1, big), (258, 3, 1, 32), (339, 3, 1, 3),
                                     (273, 4, 1, 200), (279, 4, 1, 64), (278, 4, 1, big)])
        classic('hostile_count.tif', [(256, 4, 1, 16), (257, 4, 1, 16), (258, 3, 1, 8),
                                      (273, 4, 2**30, 200), (279, 4, 1, 256)])
        classic('loop.tif', [(256, 4, 1, 4), (257, 4, 1, 1), (258, 3, 1, 8), (273, 4, 1, 0), (279, 4, 1, 4)], next_ifd=8)
        """;

    public BadTiffSuite()
    {
        Directory = new TempDirectory("tomocrop-badtiff-");
        ExternalTool.RunPython(Script, Directory.Path);
    }

    public TempDirectory Directory { get; }

    public void Dispose() => Directory.Dispose();
}

public sealed class TiffBadInputTests(BadTiffSuite suite, ITestOutputHelper output) : IClassFixture<BadTiffSuite>
{
    /// <summary>Opens and reads everything; the error may come at open or, for a damaged slice's pixels, at read.</summary>
    private VolumeException Fails(string name)
    {
        return Assert.Throws<VolumeException>(() =>
        {
            using var reader = VolumeIO.Open(suite.Directory.File(name));
            TestVolumes.ReadAll(reader);
        });
    }

    [Theory]
    [InlineData("truncated_slice", "recon_00002.tif", "truncated")]
    [InlineData("garbage_slice", "recon_00003.tif", "not a TIFF")]
    [InlineData("truncated_zlib_slice", "recon_00001.tif", "")]
    [InlineData("corrupt_zlib_slice", "recon_00004.tif", "cannot decode strip 0")]
    [InlineData("corrupt_zlib.tif", "corrupt_zlib.tif", "page 0: cannot decode strip 0")]
    [InlineData("corrupt_lzw.tif", "corrupt_lzw.tif", "page 0: cannot decode strip 0: libtiff")]
    [InlineData("sizes", "recon_00003.tif", "is 16x17 float32 but recon_00000.tif is 16x16 float32")]
    [InlineData("dtypes", "recon_00002.tif", "is 16x16 int16 but recon_00000.tif is 16x16 uint16")]
    [InlineData("gap", "recon_00003.tif", "jump from 1 to 3")]
    [InlineData("stray", "preview.tif", "pattern")]
    [InlineData("rgb_stack", "recon_00000.tif", "3 samples per pixel")]
    [InlineData("multipage_slices", "recon_00000.tif", "more than one page")]
    [InlineData("empty", "empty", "no .tif/.tiff slice files")]
    [InlineData("only_junk", "only_junk", "no .tif/.tiff slice files")]
    [InlineData("truncated.tif", "truncated.tif", "truncated")]
    [InlineData("imagej_truncated.tif", "imagej_truncated.tif", "declares 6 slices but the file has 1 pages")]
    [InlineData("shaped_truncated.tif", "shaped_truncated.tif", "declares 6 slices but the file has 1 pages")]
    [InlineData("rgb.tif", "rgb.tif", "3 samples per pixel")]
    [InlineData("mixed_pages.tif", "mixed_pages.tif", "page 1: is 20x16 uint16 but page 0 is 16x16 uint16")]
    [InlineData("int64.tif", "int64.tif", "64-bit signed integer samples are not supported")]
    [InlineData("hostile_dims.tif", "hostile_dims.tif", "exceeds the 1073741824-byte slice limit")]
    [InlineData("hostile_count.tif", "hostile_count.tif", "metadata limit")]
    [InlineData("loop.tif", "loop.tif", "loops back")]
    public void Bad_input_gives_one_line_volume_exception_naming_the_file(string name, string namedFile, string problem)
    {
        var error = Fails(name);
        output.WriteLine(error.Message);
        Assert.Contains(namedFile, error.Path);
        Assert.StartsWith(error.Path, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Hostile_dimensions_are_refused_before_any_allocation()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<VolumeException>(() => VolumeIO.Open(suite.Directory.File("hostile_dims.tif")));
        Assert.Throws<VolumeException>(() => VolumeIO.Open(suite.Directory.File("hostile_count.tif")));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "refusing a hostile header allocated over 1 MiB");
    }

    [Fact]
    public void Slice_limit_is_enforced_for_stacks_and_pages()
    {
        var limits = new IoLimits { MaxSlices = 3 };
        var options = new VolumeOpenOptions { Limits = limits };
        var stack = Assert.Throws<VolumeException>(() => VolumeIO.Open(suite.Directory.File("truncated_slice"), options));
        Assert.Contains("more than 3 slice files", stack.Message);
        var multi = Assert.Throws<VolumeException>(() => VolumeIO.Open(suite.Directory.File("ten_pages.tif"), options));
        Assert.Contains("more than 3 pages", multi.Message);
    }
}
