using SkiaSharp;
using TomoCrop.Volumes;

namespace TomoCrop.Reporting.Preview;

/// <summary>
/// One 2-D view (section or projection of the strided subsample) drawn in a square cell with the kept box
/// (solid) and the true box (dashed) in input-voxel coordinates. Rows run down, columns to the right.
/// </summary>
internal sealed record ImagePanel(
    string Title,
    float[] Pixels,
    int Rows,
    int Columns,
    int Step,
    int RowAxisLength,
    int ColumnAxisLength,
    AxisRange RowKept,
    AxisRange ColumnKept,
    AxisRange? RowTruth,
    AxisRange? ColumnTruth,
    string RowName,
    string ColumnName)
{
    public void Draw(SKCanvas canvas, SKRect cell, PreviewOptions options)
    {
        PreviewText.Draw(canvas, Title, cell.Left, cell.Top + 15, 14, PreviewPalette.Text, cell.Width, bold: true);
        var area = new SKRect(cell.Left + 18, cell.Top + 24, cell.Right, cell.Bottom - 16);
        // Square voxels: one scale for both directions, the volume's extent fitted into the area.
        var scale = Math.Min(area.Width / ColumnAxisLength, area.Height / RowAxisLength);
        var volume = new SKRect(area.Left, area.Top, area.Left + (ColumnAxisLength * scale), area.Top + (RowAxisLength * scale));

        using (var image = Grayscale(options))
        {
            // Sample i stands for voxels [i·step, (i+1)·step): the bitmap covers Columns·step voxels.
            var destination = new SKRect(volume.Left, volume.Top, volume.Left + (Columns * Step * scale), volume.Top + (Rows * Step * scale));
            canvas.Save();
            canvas.ClipRect(volume);
            canvas.DrawImage(image, destination, new SKSamplingOptions(SKFilterMode.Linear), null);
            canvas.Restore();
        }
        // What the crop drops is tinted, so the kept part stands out at a glance.
        using (var tint = new SKPaint { Color = PreviewPalette.CutTint, Style = SKPaintStyle.Fill })
        {
            canvas.Save();
            canvas.ClipRect(volume);
            canvas.ClipRect(Rect(volume, scale, RowKept, ColumnKept, inset: 0), SKClipOperation.Difference);
            canvas.DrawRect(volume, tint);
            canvas.Restore();
        }
        using (var frame = new SKPaint { Color = PreviewPalette.Frame, IsStroke = true, StrokeWidth = 1 })
        {
            canvas.DrawRect(volume, frame);
        }
        if (RowTruth is { } rt && ColumnTruth is { } ct)
        {
            using var dashed = new SKPaint
            {
                Color = PreviewPalette.Truth, IsStroke = true, StrokeWidth = 2, IsAntialias = false,
                PathEffect = SKPathEffect.CreateDash([7, 5], 0),
            };
            canvas.DrawRect(Rect(volume, scale, rt, ct), dashed);
        }
        using (var solid = new SKPaint { Color = PreviewPalette.Kept, IsStroke = true, StrokeWidth = 2, IsAntialias = false })
        {
            canvas.DrawRect(Rect(volume, scale, RowKept, ColumnKept), solid);
        }
        // Axis names and extents, so a reader can tell which way is which.
        PreviewText.Draw(canvas, $"{ColumnName} →  0…{ColumnAxisLength}", volume.Left, volume.Bottom + 13, 11, PreviewPalette.MutedText, area.Width);
        canvas.Save();
        canvas.RotateDegrees(-90, volume.Left - 5, volume.Bottom);
        PreviewText.Draw(canvas, $"← {RowName}  0…{RowAxisLength}", volume.Left - 5, volume.Bottom, 11, PreviewPalette.MutedText, volume.Height);
        canvas.Restore();
    }

    /// <summary>Box edges in pixels; the stroke is drawn inside the kept voxels' outline, never over the cut ones.</summary>
    private static SKRect Rect(SKRect volume, float scale, AxisRange rows, AxisRange columns, float inset = 1) =>
        new(volume.Left + (columns.Start * scale) + inset, volume.Top + (rows.Start * scale) + inset,
            volume.Left + (columns.Stop * scale) - inset, volume.Top + (rows.Stop * scale) - inset);

    /// <summary>Percentile contrast stretch to 8-bit grey; non-finite pixels are black.</summary>
    private SKImage Grayscale(PreviewOptions options)
    {
        var (low, high) = Percentiles(Pixels, options.LowPercentile, options.HighPercentile);
        var span = high > low ? high - low : 1.0;
        using var bitmap = new SKBitmap(new SKImageInfo(Columns, Rows, SKColorType.Gray8, SKAlphaType.Opaque));
        var bytes = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                var v = Pixels[(r * Columns) + c];
                bytes[(r * rowBytes) + c] = float.IsFinite(v) ? (byte)Math.Clamp((v - low) / span * 255.0, 0, 255) : (byte)0;
            }
        }
        return SKImage.FromBitmap(bitmap);
    }

    /// <summary>Low and high percentiles of the finite values, from at most ~1M of them (evenly strided).</summary>
    internal static (double Low, double High) Percentiles(float[] values, double lowPercent, double highPercent)
    {
        var stride = Math.Max(1, values.Length / 1_000_000);
        var finite = new List<float>(values.Length / stride + 1);
        for (var i = 0; i < values.Length; i += stride)
        {
            if (float.IsFinite(values[i]))
            {
                finite.Add(values[i]);
            }
        }
        if (finite.Count == 0)
        {
            return (0, 1);
        }
        finite.Sort();
        double At(double percent) => finite[(int)Math.Clamp(Math.Round(percent / 100.0 * (finite.Count - 1)), 0, finite.Count - 1)];
        return (At(lowPercent), At(highPercent));
    }
}
