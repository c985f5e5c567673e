using TomoCrop.Cropping.Publishing;
using System.Globalization;
using System.Text;
using SkiaSharp;
using TomoCrop.Reporting.Preview;

namespace TomoCrop.Reporting.Savings;

/// <summary>The daily savings as a fixed-width table with a totals row, or as a PNG bar chart.</summary>
public static class SavingsReport
{
    /// <summary>Fill of the "saved" part of each day's bar (tests find the bars by it).</summary>
    public static SKColor SavedColour { get; } = new(38, 110, 190);

    /// <summary>Fill of the "kept" part stacked on top: together the bar is the day's bytes in.</summary>
    public static SKColor KeptColour { get; } = new(200, 205, 212);

    public static SKColor PercentColour { get; } = new(235, 110, 20);

    public static string Table(IReadOnlyList<DailySummary> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var total = Total(days);
        var unit = ByteUnit.For(days.Count == 0 ? 0 : days.Max(d => d.BytesIn));
        var text = new StringBuilder();
        text.AppendLine(Row("day (UTC)", "volumes", $"in ({unit.Name})", $"out ({unit.Name})", $"saved ({unit.Name})", "saved %"));
        text.AppendLine(new string('-', Row("", "", "", "", "", "").Length));
        foreach (var day in days)
        {
            text.AppendLine(Figures(day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), day, unit));
        }
        text.AppendLine(new string('-', Row("", "", "", "", "", "").Length));
        text.AppendLine(Figures("total", total, unit));
        return text.ToString();
    }

    /// <summary>Totals over <paramref name="days"/> (dated by the first day).</summary>
    public static DailySummary Total(IReadOnlyList<DailySummary> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var bytesIn = days.Sum(d => d.BytesIn);
        var bytesOut = days.Sum(d => d.BytesOut);
        var first = days.Count == 0 ? default : days[0].Day;
        return new DailySummary(first, days.Sum(d => d.Volumes), bytesIn, bytesOut, SavingsMath.SavedPercent(bytesIn, bytesOut));
    }

    /// <summary>Draws the days as a PNG: stacked bars (saved below, kept above; left axis) and saved % (line, right axis).</summary>
    public static void Chart(IReadOnlyList<DailySummary> days, string pngPath)
    {
        ArgumentNullException.ThrowIfNull(days);
        if (days.Count == 0)
        {
            throw new ArgumentException("no days to draw", nameof(days));
        }
        using var png = SavingsChart.Render(days, Total(days));
        DurableFile.Replace(pngPath, png.SaveTo, "savings chart");
    }

    private static string Figures(string label, DailySummary day, ByteUnit unit) => Row(
        label,
        day.Volumes.ToString(CultureInfo.InvariantCulture),
        unit.Format(day.BytesIn),
        unit.Format(day.BytesOut),
        unit.Format(day.SavedBytes),
        day.Volumes == 0 ? "-" : day.SavedPercent.ToString("0.0", CultureInfo.InvariantCulture));

    private static string Row(string day, string volumes, string bytesIn, string bytesOut, string saved, string percent) =>
        $"{day,-10} {volumes,8} {bytesIn,12} {bytesOut,12} {saved,12} {percent,8}";
}

/// <summary>A decimal unit chosen once for a whole table or chart, so columns and bars compare directly.</summary>
internal readonly record struct ByteUnit(string Name, double Size)
{
    public static ByteUnit For(long largest) => largest switch
    {
        >= 1_000_000_000_000 => new("TB", 1e12),
        >= 1_000_000_000 => new("GB", 1e9),
        >= 1_000_000 => new("MB", 1e6),
        >= 1_000 => new("kB", 1e3),
        _ => new("B", 1),
    };

    public double Of(long bytes) => bytes / Size;

    public string Format(long bytes) => Of(bytes).ToString(Size == 1 ? "0" : "0.00", CultureInfo.InvariantCulture);
}
