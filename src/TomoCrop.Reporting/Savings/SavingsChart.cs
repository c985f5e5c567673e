using System.Globalization;
using SkiaSharp;
using TomoCrop.Reporting.Preview;

namespace TomoCrop.Reporting.Savings;

/// <summary>
/// Lays out and draws the daily savings chart: one stacked bar per day (saved at the bottom, kept above, so the
/// whole bar is the bytes that came in) on the left axis, saved % as a line on the right axis (0–100), a title with
/// the period's totals, date labels thinned so they never overlap, and a legend.
/// </summary>
internal static class SavingsChart
{
    private const int Width = 1000;
    private const int Height = 520;
    private const float Left = 90;
    private const float Right = 80;
    private const float Top = 78;
    private const float Bottom = 92;
    private static readonly SKColor Grid = new(225, 225, 225);
    private static readonly SKColor Axis = new(90, 90, 90);

    public static SKData Render(IReadOnlyList<DailySummary> days, DailySummary total)
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"cannot allocate a {Width}x{Height} picture");
        var canvas = surface.Canvas;
        canvas.Clear(PreviewPalette.Background);
        var plot = new SKRect(Left, Top, Width - Right, Height - Bottom);
        var unit = ByteUnit.For(days.Max(d => d.BytesIn));
        var (axisMax, tick) = NiceScale(days.Max(d => unit.Of(d.BytesIn)));

        DrawTitle(canvas, days, total, unit);
        DrawGridAndAxes(canvas, plot, unit, axisMax, tick);
        var slot = plot.Width / days.Count;
        var barWidth = Math.Max(1f, slot * 0.7f);
        // Runs of consecutive days with volumes: the saved % line breaks where a day had none.
        var percentRuns = new List<List<SKPoint>> { new() };
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            var centre = plot.Left + (slot * (i + 0.5f));
            var savedTop = plot.Bottom - (float)(unit.Of(day.SavedBytes) / axisMax * plot.Height);
            var inTop = plot.Bottom - (float)(unit.Of(day.BytesIn) / axisMax * plot.Height);
            Fill(canvas, new SKRect(centre - (barWidth / 2), inTop, centre + (barWidth / 2), savedTop), SavingsReport.KeptColour);
            Fill(canvas, new SKRect(centre - (barWidth / 2), savedTop, centre + (barWidth / 2), plot.Bottom), SavingsReport.SavedColour);
            if (day.Volumes > 0)
            {
                percentRuns[^1].Add(new SKPoint(centre, plot.Bottom - (float)(day.SavedPercent / 100 * plot.Height)));
            }
            else if (percentRuns[^1].Count > 0)
            {
                percentRuns.Add([]);
            }
        }
        DrawPercentLine(canvas, percentRuns);
        DrawDayLabels(canvas, plot, days, slot);
        DrawLegend(canvas);

        using var image = surface.Snapshot();
        return image.Encode(SKEncodedImageFormat.Png, 100) ?? throw new InvalidOperationException("PNG encoding failed");
    }

    /// <summary>An axis maximum and tick step of 1, 2 or 5 × 10^k with about five ticks; 1 for an empty chart.</summary>
    internal static (double Max, double Tick) NiceScale(double largest)
    {
        if (largest <= 0)
        {
            return (1, 0.2);
        }
        var rough = largest / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var tick = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(t => t >= rough);
        return (Math.Ceiling(largest / tick) * tick, tick);
    }

    private static void DrawTitle(SKCanvas canvas, IReadOnlyList<DailySummary> days, DailySummary total, ByteUnit unit)
    {
        var first = days[0].Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = days[^1].Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        PreviewText.Draw(canvas, $"Storage saved by cropping, per day (UTC), {first} to {last}", Left, 30, 20, PreviewPalette.Text, Width - Left - Right, bold: true);
        var summary = total.Volumes == 0
            ? "no volumes in this period"
            : string.Create(CultureInfo.InvariantCulture,
                $"{total.Volumes} volumes: {unit.Format(total.BytesIn)} {unit.Name} in, {unit.Format(total.BytesOut)} {unit.Name} kept, {unit.Format(total.SavedBytes)} {unit.Name} saved ({total.SavedPercent:0.0} %)");
        PreviewText.Draw(canvas, summary, Left, 56, 15, PreviewPalette.Text, Width - Left - Right);
    }

    private static void DrawGridAndAxes(SKCanvas canvas, SKRect plot, ByteUnit unit, double axisMax, double tick)
    {
        using var grid = new SKPaint { Color = Grid, StrokeWidth = 1, IsAntialias = false };
        using var axis = new SKPaint { Color = Axis, StrokeWidth = 1.5f, IsAntialias = true };
        var decimals = tick >= 1 ? "0" : tick >= 0.1 ? "0.0" : "0.00";
        for (var value = 0.0; value <= axisMax + (tick / 2); value += tick)
        {
            var y = plot.Bottom - (float)(value / axisMax * plot.Height);
            canvas.DrawLine(plot.Left, y, plot.Right, y, grid);
            PreviewText.Draw(canvas, value.ToString(decimals, CultureInfo.InvariantCulture), plot.Left - 8, y + 5, 13, Axis, align: SKTextAlign.Right);
        }
        for (var percent = 0; percent <= 100; percent += 20)
        {
            var y = plot.Bottom - (percent / 100f * plot.Height);
            PreviewText.Draw(canvas, $"{percent} %", plot.Right + 8, y + 5, 13, SavingsReport.PercentColour);
        }
        canvas.DrawLine(plot.Left, plot.Top, plot.Left, plot.Bottom, axis);
        canvas.DrawLine(plot.Right, plot.Top, plot.Right, plot.Bottom, axis);
        canvas.DrawLine(plot.Left, plot.Bottom, plot.Right, plot.Bottom, axis);
        VerticalLabel(canvas, $"{unit.Name} per day", 24, plot.MidY, Axis);
        VerticalLabel(canvas, "saved %", Width - 16, plot.MidY, SavingsReport.PercentColour);
    }

    private static void DrawPercentLine(SKCanvas canvas, List<List<SKPoint>> runs)
    {
        using var line = new SKPaint { Color = SavingsReport.PercentColour, StrokeWidth = 2.5f, IsAntialias = true, Style = SKPaintStyle.Stroke };
        using var dot = new SKPaint { Color = SavingsReport.PercentColour, IsAntialias = true, Style = SKPaintStyle.Fill };
        foreach (var points in runs)
        {
            for (var i = 1; i < points.Count; i++)
            {
                canvas.DrawLine(points[i - 1], points[i], line);
            }
            foreach (var point in points)
            {
                canvas.DrawCircle(point, 4.5f, dot);
            }
        }
    }

    private static void DrawDayLabels(SKCanvas canvas, SKRect plot, IReadOnlyList<DailySummary> days, float slot)
    {
        const float labelWidth = 48;
        var every = Math.Max(1, (int)Math.Ceiling(labelWidth / slot));
        for (var i = days.Count - 1; i >= 0; i -= every) // counted back from the latest day, which is always labelled
        {
            var centre = plot.Left + (slot * (i + 0.5f));
            PreviewText.Draw(canvas, days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture), centre, plot.Bottom + 20, 13, Axis, align: SKTextAlign.Center);
        }
        PreviewText.Draw(canvas, "day (UTC, month-day)", plot.MidX, plot.Bottom + 42, 13, Axis, align: SKTextAlign.Center);
    }

    private static void DrawLegend(SKCanvas canvas)
    {
        var y = Height - 22f;
        var x = Left;
        foreach (var (colour, label) in new[] { (SavingsReport.SavedColour, "saved"), (SavingsReport.KeptColour, "kept (cropped output)"), (SavingsReport.PercentColour, "saved % of bytes in") })
        {
            Fill(canvas, new SKRect(x, y - 11, x + 14, y + 1), colour);
            PreviewText.Draw(canvas, label, x + 20, y, 13, PreviewPalette.Text);
            x += 220;
        }
    }

    private static void VerticalLabel(SKCanvas canvas, string text, float x, float y, SKColor colour)
    {
        canvas.Save();
        canvas.RotateDegrees(-90, x, y);
        PreviewText.Draw(canvas, text, x, y, 14, colour, align: SKTextAlign.Center);
        canvas.Restore();
    }

    private static void Fill(SKCanvas canvas, SKRect rect, SKColor colour)
    {
        if (rect.Height <= 0 || rect.Width <= 0)
        {
            return;
        }
        using var paint = new SKPaint { Color = colour, IsAntialias = false, Style = SKPaintStyle.Fill };
        canvas.DrawRect(rect, paint);
    }
}
