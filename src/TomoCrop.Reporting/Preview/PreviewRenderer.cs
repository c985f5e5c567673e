using TomoCrop.Cropping.Publishing;
using System.Globalization;
using SkiaSharp;
using TomoCrop.Localization;
using TomoCrop.Localization.Classical;
using TomoCrop.Volumes;

namespace TomoCrop.Reporting.Preview;

/// <summary>
/// One PNG to judge a crop at a glance: a title with the figures, orthogonal sections through the kept box's
/// centre, maximum-intensity projections (anything bright outside the box shows there), each with the kept box
/// (solid) and the true box (dashed), and the three axis profiles with threshold, kept range and true range.
/// Views come from a strided subsample of bounded size; the file appears atomically (temp file + rename).
/// </summary>
public static class PreviewRenderer
{
    private const int Gap = 20;
    private const int TitleHeight = 78;
    private const int LegendHeight = 28;

    /// <summary>Whether a font was found for labels; without one the preview is drawn without text (install fonts-dejavu-core).</summary>
    public static bool CanDrawText => PreviewText.Typeface is not null;

    /// <summary>Pixel size of the picture for <paramref name="options"/>.</summary>
    public static (int Width, int Height) Size(PreviewOptions? options = null)
    {
        var p = (options ?? PreviewOptions.Default).PanelSize;
        return ((3 * p) + (4 * Gap), TitleHeight + (2 * p) + ProfileHeight(p) + (3 * Gap) + LegendHeight);
    }

    public static void Render(
        IVolumeReader volume, LocalizationResult result, VoxelBox? truth, string pngPath,
        PreviewOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(volume);
        ArgumentNullException.ThrowIfNull(result);
        options ??= PreviewOptions.Default;
        if (options.PanelSize < 120)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PanelSize, "panel size must be at least 120 pixels");
        }
        var shape = volume.Info.Shape;
        if (result.Shape != shape)
        {
            throw new ArgumentException($"result is for shape {result.Shape} but the volume is {shape}", nameof(result));
        }
        if (!result.Box.FitsIn(shape) || (truth is { } t && !t.FitsIn(shape)))
        {
            throw new ArgumentException($"box {result.Box} or true box {truth} does not fit in {shape}", nameof(result));
        }

        var step = StridedProjections.ChooseStep(shape, options.MaxSampleVoxels);
        var centre = (Centre(result.Box.Z) / step, Centre(result.Box.Y) / step, Centre(result.Box.X) / step);
        var views = StridedProjections.Read(volume, step, options.Limits, cancellationToken, centre);

        var (width, height) = Size(options);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"{pngPath}: cannot allocate a {width}x{height} picture");
        var canvas = surface.Canvas;
        canvas.Clear(PreviewPalette.Background);
        DrawTitle(canvas, volume.Info, result, truth, width);
        var p = options.PanelSize;
        var rowA = TitleHeight;
        var rowB = rowA + p + Gap;
        var rowC = rowB + p + Gap;
        var (sz, sy, sx) = views.SectionIndex!.Value;
        var panels = new[]
        {
            Panel(Invariant($"axial section z = {sz * step}"), views.SectionZ!, views.Sample.Y, views.Sample.X, 1, 2),
            Panel(Invariant($"coronal section y = {sy * step}"), views.SectionY!, views.Sample.Z, views.Sample.X, 0, 2),
            Panel(Invariant($"sagittal section x = {sx * step}"), views.SectionX!, views.Sample.Z, views.Sample.Y, 0, 1),
            Panel("axial MIP (max over z)", views.AlongZ, views.Sample.Y, views.Sample.X, 1, 2),
            Panel("coronal MIP (max over y)", views.AlongY, views.Sample.Z, views.Sample.X, 0, 2),
            Panel("sagittal MIP (max over x)", views.AlongX, views.Sample.Z, views.Sample.Y, 0, 1),
        };
        for (var i = 0; i < panels.Length; i++)
        {
            var left = Gap + ((i % 3) * (p + Gap));
            var top = i < 3 ? rowA : rowB;
            panels[i].Draw(canvas, new SKRect(left, top, left + p, top + p), options);
        }
        for (var axis = 0; axis < 3; axis++)
        {
            var profile = result.Profiles.FirstOrDefault(pr => pr.Axis == axis);
            var decision = axis < result.Axes.Count ? result.Axes[axis] : new AxisDecision(result.Box[axis], 0, false, "");
            var left = Gap + (axis * (p + Gap));
            new ProfilePanel(AxisName(axis), profile, decision with { Range = result.Box[axis] }, shape[axis], truth?[axis])
                .Draw(canvas, new SKRect(left, rowC, left + p, rowC + ProfileHeight(p)));
        }
        PreviewText.Draw(canvas,
            "solid orange-red: kept box (the crop, margins included), red tint: dropped · dashed cyan: true box · shaded: kept range · dashed grey: threshold · "
            + (step == 1 ? "views at full resolution" : Invariant($"views from every {step}{Ordinal(step)} voxel along each axis")),
            Gap, height - 10, 12, PreviewPalette.MutedText, width - (2 * Gap));

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"{pngPath}: PNG encoding failed");
        DurableFile.Replace(pngPath, png.SaveTo, "preview");

        ImagePanel Panel(string title, float[] pixels, int rows, int columns, int rowAxis, int columnAxis) =>
            new(title, pixels, rows, columns, step, shape[rowAxis], shape[columnAxis],
                result.Box[rowAxis], result.Box[columnAxis], truth?[rowAxis], truth?[columnAxis],
                AxisName(rowAxis), AxisName(columnAxis));
    }

    private static void DrawTitle(SKCanvas canvas, VolumeInfo info, LocalizationResult result, VoxelBox? truth, int width)
    {
        var name = Path.GetFileName(info.Path.TrimEnd('/', Path.DirectorySeparatorChar));
        var model = result.ModelSha256 is { Length: >= 12 } sha ? $" (model {sha[..12]})" : "";
        PreviewText.Draw(canvas, $"{name} — {result.Method}{model}", Gap, 26, 20, PreviewPalette.Text, width - (2 * Gap), bold: true);
        var b = result.Box;
        var confidence = string.Join("  ", result.Axes.Select((a, i) => Invariant($"{AxisName(i)} {a.Confidence:F2}")));
        var details = Invariant(
            $"{info.Shape} {info.VoxelType.NumpyName()} · kept {result.KeptFraction * 100:F1}% of voxels (saves {(1 - result.KeptFraction) * 100:F1}%) · box z {b.Z}, y {b.Y}, x {b.X} · confidence {confidence} · {result.Seconds:F1} s");
        PreviewText.Draw(canvas, details, Gap, 48, 14, PreviewPalette.Text, width - (2 * Gap));
        if (truth is { } t)
        {
            var inside = b.Contains(t);
            var line = Invariant($"true box z {t.Z}, y {t.Y}, x {t.X}: ") + (inside ? "wholly inside the kept box" : "NOT wholly inside the kept box — the crop would cut the specimen");
            PreviewText.Draw(canvas, line, Gap, 68, 14, inside ? PreviewPalette.Text : PreviewPalette.Warning, width - (2 * Gap), bold: !inside);
        }
    }

    private static int ProfileHeight(int panelSize) => (panelSize / 2) + 40;

    private static int Centre(AxisRange range) => range.Start + (range.Length / 2);

    private static string AxisName(int axis) => axis switch { 0 => "z", 1 => "y", _ => "x" };

    private static string Ordinal(int n) => (n % 100) is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
