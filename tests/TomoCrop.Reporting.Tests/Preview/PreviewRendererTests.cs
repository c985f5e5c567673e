using SkiaSharp;
using TomoCrop.Localization;
using TomoCrop.Localization.Classical;
using TomoCrop.Reporting.Preview;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Reporting.Tests.Preview;

public sealed class PreviewRendererTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// numpy writes a specimen-like phantom (shell, softer interior, bright core) inside a holder tube, in noise,
    /// as raw float32 with a sidecar; returns the path and the specimen's true box.
    /// </summary>
    private (string Path, VoxelBox Truth) WritePhantom(string name, double centreZ = 40)
    {
        var path = _dir.File(name);
        var output = ExternalTool.RunPython("""
            import json, sys, numpy as np
            path, cz = sys.argv[1], float(sys.argv[2])
            shape = (80, 120, 140)
            z, y, x = np.ogrid[:shape[0], :shape[1], :shape[2]]
            rng = np.random.default_rng(3)
            v = 0.2 + 0.04 * rng.standard_normal(shape)
            r = np.sqrt((y - 59.5) ** 2 + (x - 69.5) ** 2)
            v[np.broadcast_to((r >= 48) & (r <= 52), shape)] += 0.35
            e = ((z - cz) / 22) ** 2 + ((y - 58) / 28) ** 2 + ((x - 66) / 34) ** 2
            v[e <= 1] = 0.9
            v[e <= 0.7] = 0.55
            core = ((z - cz - 4) / 6) ** 2 + ((y - 52) / 7) ** 2 + ((x - 72) / 9) ** 2
            v[core <= 1] = 1.3
            v = v.astype('<f4')
            v.tofile(path)
            json.dump({'shape': list(shape), 'dtype': 'float32', 'byte_order': 'little'}, open(path + '.json', 'w'))
            inside = np.argwhere(e <= 1)
            lo, hi = inside.min(0), inside.max(0) + 1
            print(' '.join(str(int(t)) for pair in zip(lo, hi) for t in pair))
            """, path, centreZ.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var b = output.Trim().Split(' ').Select(int.Parse).ToArray();
        return (path, new VoxelBox(new(b[0], b[1]), new(b[2], b[3]), new(b[4], b[5])));
    }

    private static int CountColour(SKBitmap bitmap, SKColor colour)
    {
        var count = 0;
        for (var y = 0; y < bitmap.Height; y++)
        for (var x = 0; x < bitmap.Width; x++)
        {
            if (bitmap.GetPixel(x, y) == colour) count++;
        }
        return count;
    }

    [Fact]
    public void Preview_is_a_png_of_the_announced_size_with_views_boxes_and_profiles()
    {
        var (path, truth) = WritePhantom("phantom.raw");
        using var reader = VolumeIO.Open(path);
        var result = new ClassicalLocalizer().Localize(reader);
        Assert.True(result.Box.Contains(truth));
        var png = _dir.File("preview.png");
        PreviewRenderer.Render(reader, result, truth, png);

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        var (width, height) = PreviewRenderer.Size();
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        // Views and plots, not a blank canvas: many distinct colours, and both boxes drawn in their colours.
        var distinct = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 3)
        for (var x = 0; x < bitmap.Width; x += 3)
        {
            distinct.Add(bitmap.GetPixel(x, y));
        }
        Assert.True(distinct.Count > 100, $"only {distinct.Count} colours");
        Assert.True(CountColour(bitmap, PreviewPalette.Kept) > 2000, "kept box colour missing");
        Assert.True(CountColour(bitmap, PreviewPalette.Truth) > 500, "true box colour missing");
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));

        // A real PNG reader agrees on size and mode.
        var pil = ExternalTool.RunPython("""
            import sys
            from PIL import Image
            im = Image.open(sys.argv[1]); im.load()
            print(im.format, im.size[0], im.size[1], im.mode)
            """, png).Trim();
        Assert.Equal($"PNG {width} {height} RGBA", pil);
    }

    [Fact]
    public void Preview_without_truth_draws_no_dashed_truth_and_panel_size_scales_the_picture()
    {
        var (path, _) = WritePhantom("phantom2.raw", centreZ: 20);
        using var reader = VolumeIO.Open(path);
        var result = new ClassicalLocalizer().Localize(reader);
        var options = new PreviewOptions { PanelSize = 200, MaxSampleVoxels = 100_000 };
        var png = _dir.File("small.png");
        PreviewRenderer.Render(reader, result, null, png, options);

        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(PreviewRenderer.Size(options), (bitmap.Width, bitmap.Height));
        Assert.Equal(3 * 200 + 80, bitmap.Width);
        Assert.Equal(0, CountColour(bitmap, PreviewPalette.Truth));
        Assert.True(CountColour(bitmap, PreviewPalette.Kept) > 500);
    }

    [Fact]
    public void Text_is_rendered_when_a_font_exists()
    {
        var (path, truth) = WritePhantom("phantom3.raw");
        using var reader = VolumeIO.Open(path);
        var result = new ClassicalLocalizer().Localize(reader);
        var a = _dir.File("a.png");
        var b = _dir.File("b.png");
        PreviewRenderer.Render(reader, result, truth, a);
        PreviewRenderer.Render(reader, result with { Method = "a-different-method-name" }, truth, b);
        using var first = SKBitmap.Decode(a);
        using var second = SKBitmap.Decode(b);
        var titleDiffers = false;
        for (var y = 0; y < 34 && !titleDiffers; y++)
        for (var x = 0; x < first.Width && !titleDiffers; x++)
        {
            titleDiffers = first.GetPixel(x, y) != second.GetPixel(x, y);
        }
        // Without any font on the machine the title stays blank (graceful); with one it must show the method.
        Assert.Equal(PreviewRenderer.CanDrawText, titleDiffers);
    }

    [Fact]
    public void Existing_preview_is_replaced_and_a_missing_directory_is_a_one_line_error()
    {
        var (path, truth) = WritePhantom("phantom4.raw");
        using var reader = VolumeIO.Open(path);
        var result = new ClassicalLocalizer().Localize(reader);
        var png = _dir.File("p.png");
        File.WriteAllText(png, "old");
        var options = new PreviewOptions { PanelSize = 160, MaxSampleVoxels = 50_000 };
        PreviewRenderer.Render(reader, result, truth, png, options);
        Assert.NotNull(SKBitmap.Decode(png));

        var missing = Path.Combine(_dir.Path, "no-such-dir", "p.png");
        var error = Assert.Throws<IOException>(() => PreviewRenderer.Render(reader, result, truth, missing, options));
        Assert.Contains("no-such-dir", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Result_for_another_shape_is_refused()
    {
        var (path, _) = WritePhantom("phantom5.raw");
        using var reader = VolumeIO.Open(path);
        var shape = new VolumeShape(10, 10, 10);
        var bogus = new LocalizationResult(shape, VoxelBox.Full(shape), [], [], "x", null, 0, 0, 0);
        Assert.Throws<ArgumentException>(() => PreviewRenderer.Render(reader, bogus, null, _dir.File("x.png")));
    }
}
