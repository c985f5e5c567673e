using System.Globalization;
using SkiaSharp;
using TomoCrop.Localization;
using TomoCrop.Volumes;

namespace TomoCrop.Reporting.Preview;

/// <summary>
/// One axis profile as a line plot over the axis (input voxels): kept range shaded, threshold dashed grey,
/// true range as dashed cyan lines, the decision's reason underneath (cf. the seed paper's figure 3).
/// </summary>
internal sealed record ProfilePanel(string AxisName, AxisProfile? Profile, AxisDecision Decision, int AxisLength, AxisRange? Truth)
{
    public void Draw(SKCanvas canvas, SKRect cell)
    {
        var title = Invariant($"{AxisName} profile · kept {Decision.Range.Start}:{Decision.Range.Stop} of {AxisLength} · conf. {Decision.Confidence:F2}");
        PreviewText.Draw(canvas, title, cell.Left, cell.Top + 15, 14, PreviewPalette.Text, cell.Width, bold: true);
        var plot = new SKRect(cell.Left + 52, cell.Top + 26, cell.Right - 8, cell.Bottom - 40);
        using (var frame = new SKPaint { Color = PreviewPalette.Frame, IsStroke = true, StrokeWidth = 1 })
        {
            canvas.DrawRect(plot, frame);
        }
        float X(double voxel) => plot.Left + (float)(voxel / AxisLength * plot.Width);

        using (var shade = new SKPaint { Color = PreviewPalette.KeptShade, Style = SKPaintStyle.Fill })
        {
            canvas.DrawRect(new SKRect(X(Decision.Range.Start), plot.Top, X(Decision.Range.Stop), plot.Bottom), shade);
        }
        using (var edge = new SKPaint { Color = PreviewPalette.Kept, StrokeWidth = 2, IsAntialias = false })
        {
            canvas.DrawLine(X(Decision.Range.Start), plot.Top, X(Decision.Range.Start), plot.Bottom, edge);
            canvas.DrawLine(X(Decision.Range.Stop), plot.Top, X(Decision.Range.Stop), plot.Bottom, edge);
        }

        if (Profile is { Values.Length: > 0 } profile)
        {
            DrawCurve(canvas, plot, profile, X);
        }
        else
        {
            PreviewText.Draw(canvas, "no profile", plot.MidX, plot.MidY, 12, PreviewPalette.MutedText, plot.Width, SKTextAlign.Center);
        }

        if (Truth is { } truth)
        {
            using var dashed = new SKPaint
            {
                Color = PreviewPalette.Truth, StrokeWidth = 2, IsAntialias = false,
                PathEffect = SKPathEffect.CreateDash([6, 4], 0),
            };
            canvas.DrawLine(X(truth.Start), plot.Top, X(truth.Start), plot.Bottom, dashed);
            canvas.DrawLine(X(truth.Stop), plot.Top, X(truth.Stop), plot.Bottom, dashed);
        }

        PreviewText.Draw(canvas, "0", plot.Left, plot.Bottom + 13, 11, PreviewPalette.MutedText);
        PreviewText.Draw(canvas, $"{AxisName} (voxels)", plot.MidX, plot.Bottom + 13, 11, PreviewPalette.MutedText, align: SKTextAlign.Center);
        PreviewText.Draw(canvas, AxisLength.ToString(CultureInfo.InvariantCulture), plot.Right, plot.Bottom + 13, 11, PreviewPalette.MutedText, align: SKTextAlign.Right);
        PreviewText.Draw(canvas, Decision.Reason, cell.Left, cell.Bottom - 8, 11, Decision.KeptFullExtent ? PreviewPalette.Warning : PreviewPalette.MutedText, cell.Width);
    }

    private static void DrawCurve(SKCanvas canvas, SKRect plot, AxisProfile profile, Func<double, float> x)
    {
        var finite = profile.Values.Where(float.IsFinite).Select(v => (double)v).ToList();
        if (double.IsFinite(profile.Threshold))
        {
            finite.Add(profile.Threshold);
        }
        if (finite.Count == 0)
        {
            return;
        }
        double low = finite.Min(), high = finite.Max();
        if (!(high > low))
        {
            (low, high) = (low - 1, high + 1);
        }
        var pad = 0.06 * (high - low);
        (low, high) = (low - pad, high + pad);
        float Y(double value) => plot.Bottom - (float)((value - low) / (high - low) * plot.Height);

        if (double.IsFinite(profile.Threshold))
        {
            using var threshold = new SKPaint
            {
                Color = PreviewPalette.Threshold, StrokeWidth = 1.5f, IsAntialias = true,
                PathEffect = SKPathEffect.CreateDash([5, 4], 0),
            };
            canvas.DrawLine(plot.Left, Y(profile.Threshold), plot.Right, Y(profile.Threshold), threshold);
            PreviewText.Draw(canvas, "threshold", plot.Right - 3, Y(profile.Threshold) - 4, 10, PreviewPalette.Threshold, align: SKTextAlign.Right);
        }

        using var path = new SKPath();
        var started = false;
        for (var i = 0; i < profile.Values.Length; i++)
        {
            var v = profile.Values[i];
            if (!float.IsFinite(v))
            {
                started = false;
                continue;
            }
            // Each sample sits at the centre of the voxel it was taken at.
            var point = new SKPoint(x(profile.Positions[i] + 0.5), Y(v));
            if (started) path.LineTo(point); else path.MoveTo(point);
            started = true;
        }
        using (var line = new SKPaint { Color = PreviewPalette.Profile, IsStroke = true, StrokeWidth = 1.6f, IsAntialias = true, StrokeJoin = SKStrokeJoin.Round })
        {
            canvas.Save();
            canvas.ClipRect(plot);
            canvas.DrawPath(path, line);
            canvas.Restore();
        }
        if (profile.Values.Length <= 80)
        {
            using var dot = new SKPaint { Color = PreviewPalette.Profile, IsAntialias = true };
            for (var i = 0; i < profile.Values.Length; i++)
            {
                if (float.IsFinite(profile.Values[i]))
                {
                    canvas.DrawCircle(x(profile.Positions[i] + 0.5), Y(profile.Values[i]), 2.2f, dot);
                }
            }
        }
        PreviewText.Draw(canvas, Format(high - pad), plot.Left - 4, plot.Top + 10, 10, PreviewPalette.MutedText, align: SKTextAlign.Right);
        PreviewText.Draw(canvas, Format(low + pad), plot.Left - 4, plot.Bottom - 2, 10, PreviewPalette.MutedText, align: SKTextAlign.Right);
    }

    private static string Format(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
