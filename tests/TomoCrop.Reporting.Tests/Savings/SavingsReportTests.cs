using SkiaSharp;
using TomoCrop.Reporting.Savings;
using TomoCrop.TestSupport;

namespace TomoCrop.Reporting.Tests.Savings;

public sealed class SavingsReportTests : IDisposable
{
    private const long GB = 1_000_000_000;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DailySummary Day(int day, int volumes, long bytesIn, long bytesOut) =>
        new(new DateOnly(2026, 11, day), volumes, bytesIn, bytesOut, bytesIn == 0 ? 0 : 100.0 * (bytesIn - bytesOut) / bytesIn);

    [Fact]
    public void Table_has_one_fixed_width_row_per_day_and_a_totals_row_in_one_unit()
    {
        var days = new[] { Day(25, 3, 30 * GB, 6 * GB), Day(26, 0, 0, 0), Day(27, 2, 12 * GB, 9 * GB) };

        var lines = SavingsReport.Table(days).TrimEnd('\n').Split('\n');

        Assert.Equal(7, lines.Length); // header, rule, 3 days, rule, total
        Assert.Single(lines.Select(l => l.Length).Distinct());
        Assert.Equal(["day", "(UTC)", "volumes", "in", "(GB)", "out", "(GB)", "saved", "(GB)", "saved", "%"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["2026-11-25", "3", "30.00", "6.00", "24.00", "80.0"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["2026-11-26", "0", "0.00", "0.00", "0.00", "-"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["total", "5", "42.00", "15.00", "27.00", "64.3"], lines[6].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Table_picks_a_unit_that_suits_small_days()
    {
        var header = SavingsReport.Table([Day(27, 1, 4_500_000, 1_000_000)]).Split('\n')[0];
        Assert.Contains("in (MB)", header);
    }

    [Fact]
    public void Chart_bars_are_as_tall_as_each_day_saved_and_the_png_reads_in_pil()
    {
        var days = new[]
        {
            Day(21, 4, 40 * GB, 10 * GB), Day(22, 2, 20 * GB, 15 * GB), Day(23, 0, 0, 0), Day(24, 5, 50 * GB, 5 * GB),
            Day(25, 1, 8 * GB, 6 * GB), Day(26, 3, 30 * GB, 20 * GB), Day(27, 2, 16 * GB, 4 * GB),
        };
        var png = _dir.File("savings.png");

        SavingsReport.Chart(days, png);

        var pil = ExternalTool.RunPython("""
            import sys
            from PIL import Image
            im = Image.open(sys.argv[1]); im.load()
            colours = len(set(im.convert('RGB').getdata()))
            print(im.format, im.size[0], im.size[1], colours)
            """, png).Split(' ');
        Assert.Equal("PNG", pil[0]);
        Assert.True(int.Parse(pil[1]) >= 800 && int.Parse(pil[2]) >= 400, $"size {pil[1]}x{pil[2]}");
        Assert.True(int.Parse(pil[3]) > 20, $"only {pil[3]} colours: a blank picture?");

        using var bitmap = SKBitmap.Decode(png);
        var saved = Bars(bitmap, SavingsReport.SavedColour);
        var kept = Bars(bitmap, SavingsReport.KeptColour);
        Assert.Equal(6, saved.Count); // the empty day has no bar
        var savedGb = days.Where(d => d.SavedBytes > 0).Select(d => d.SavedBytes / (double)GB).ToArray();
        var pixelsPerGb = saved[3].Height / savedGb[3]; // 45 GB, the tallest
        for (var i = 0; i < saved.Count; i++)
        {
            Assert.InRange(saved[i].Height, (savedGb[i] * pixelsPerGb) - 2, (savedGb[i] * pixelsPerGb) + 2);
        }
        // The kept part sits on top of the saved part: together a bar is the day's bytes in.
        var keptOnDay26 = kept.Single(k => Math.Abs(k.Centre - saved[4].Centre) < 3);
        Assert.InRange(keptOnDay26.Height, (20 * pixelsPerGb) - 2, (20 * pixelsPerGb) + 2);
        Assert.InRange(keptOnDay26.Bottom, saved[4].Top - 2, saved[4].Top + 1);
        Assert.True(Count(bitmap, SavingsReport.PercentColour) > 100, "no saved % line");
    }

    [Fact]
    public void Chart_of_days_without_volumes_is_still_a_labelled_picture()
    {
        var png = _dir.File("empty.png");
        SavingsReport.Chart([Day(26, 0, 0, 0), Day(27, 0, 0, 0)], png);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Empty(Bars(bitmap, SavingsReport.SavedColour));
        Assert.Throws<ArgumentException>(() => SavingsReport.Chart([], _dir.File("none.png")));
        Assert.False(File.Exists(_dir.File("none.png")));
    }

    private sealed record Bar(double Centre, int Top, int Bottom)
    {
        public int Height => Bottom - Top + 1;
    }

    /// <summary>Runs of columns at least 5 px wide holding <paramref name="colour"/>, each with its top and bottom row.</summary>
    private static List<Bar> Bars(SKBitmap bitmap, SKColor colour)
    {
        var bars = new List<Bar>();
        int? start = null;
        int top = int.MaxValue, bottom = -1;
        for (var x = 0; x <= bitmap.Width; x++)
        {
            var (columnTop, columnBottom) = x < bitmap.Width ? Extent(bitmap, x, colour) : (-1, -1);
            if (columnTop >= 0)
            {
                start ??= x;
                top = Math.Min(top, columnTop);
                bottom = Math.Max(bottom, columnBottom);
            }
            else if (start is { } s)
            {
                if (x - s >= 5)
                {
                    bars.Add(new Bar((s + x - 1) / 2.0, top, bottom));
                }
                start = null;
                top = int.MaxValue;
                bottom = -1;
            }
        }
        return bars;
    }

    private static (int Top, int Bottom) Extent(SKBitmap bitmap, int x, SKColor colour)
    {
        int top = -1, bottom = -1;
        // Rows below the title and above the legend: the plot area.
        for (var y = 70; y < bitmap.Height - 40; y++)
        {
            if (bitmap.GetPixel(x, y) == colour)
            {
                if (top < 0) top = y;
                bottom = y;
            }
        }
        return (top, bottom);
    }

    private static int Count(SKBitmap bitmap, SKColor colour)
    {
        var count = 0;
        for (var y = 0; y < bitmap.Height; y++)
        for (var x = 0; x < bitmap.Width; x++)
        {
            if (bitmap.GetPixel(x, y) == colour) count++;
        }
        return count;
    }
}
