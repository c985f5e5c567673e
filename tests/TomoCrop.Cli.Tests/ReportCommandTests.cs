using System.Text.Json.Nodes;
using TomoCrop.Reporting.Savings;
using TomoCrop.TestSupport;

namespace TomoCrop.Cli.Tests;

public sealed class ReportCommandTests : IDisposable
{
    private const long GB = 1_000_000_000;
    private readonly TempDirectory _state = new();
    private readonly DateOnly _today = DateOnly.FromDateTime(DateTime.UtcNow);

    public void Dispose() => _state.Dispose();

    /// <summary>Fills the state directory the way the daemon does: SavingsLog under state/savings.</summary>
    private SavingsLog FillState()
    {
        var log = new SavingsLog(Path.Combine(_state.Path, "savings"), TimeProvider.System);
        Append(log, _today, 10 * GB, 2 * GB, "a.h5");
        Append(log, _today, 6 * GB, 3 * GB, "b.h5");
        Append(log, _today.AddDays(-2), 20 * GB, 5 * GB, "c.h5");
        Append(log, _today.AddDays(-30), 99 * GB, 1 * GB, "old.h5"); // outside the default 14 days
        return log;
    }

    private static void Append(SavingsLog log, DateOnly day, long original, long cropped, string name) => log.Append(new SavingsRecord
    {
        TimeUtc = day.ToDateTime(new TimeOnly(0, 5), DateTimeKind.Utc),
        SourcePath = $"/data/recon/{name}",
        Format = "hdf5",
        OriginalBytes = original,
        CroppedBytes = cropped,
        BoxZyx = [[0, 10], [0, 10], [0, 10]],
        Confidence = [0.9, 0.9, 0.9],
        Method = "rotation",
        Seconds = 3,
        OutputPath = $"/data/cropped/{name}",
        Root = "/data/recon",
    });

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Report_prints_a_row_per_day_and_the_totals()
    {
        FillState();

        var result = TomocropProcess.Run("report", "--state", _state.Path, "--days", "3");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Equal("", result.StdErr);
        var lines = result.StdOut.TrimEnd('\n').Split('\n');
        var day = (int offset) => _today.AddDays(offset).ToString("yyyy-MM-dd");
        Assert.Equal([day(-2), "1", "20.00", "5.00", "15.00", "75.0"], Cells(lines[2]));
        Assert.Equal([day(-1), "0", "0.00", "0.00", "0.00", "-"], Cells(lines[3]));
        Assert.Equal([day(0), "2", "16.00", "5.00", "11.00", "68.8"], Cells(lines[4]));
        Assert.Equal(["total", "3", "36.00", "10.00", "26.00", "72.2"], Cells(lines[^1]));
    }

    [Fact]
    public void Report_json_holds_the_days_and_totals_and_the_chart_is_a_real_png()
    {
        FillState();
        var png = Path.Combine(_state.Path, "savings.png");

        var result = TomocropProcess.Run("report", "--state", _state.Path, "--json", "--png", png);

        Assert.True(result.ExitCode == 0, result.StdErr);
        var json = Assert.IsType<JsonObject>(JsonNode.Parse(result.StdOut));
        var days = json["days"]!.AsArray();
        Assert.Equal(14, days.Count);
        Assert.Equal(_today.ToString("yyyy-MM-dd"), days[^1]!["day"]!.GetValue<string>());
        Assert.Equal(3, json["total"]!["volumes"]!.GetValue<int>());
        Assert.Equal(36 * GB, json["total"]!["bytes_in"]!.GetValue<long>());
        Assert.Equal(26 * GB, json["total"]!["bytes_saved"]!.GetValue<long>());
        Assert.Equal(Path.GetFullPath(png), json["chart"]!.GetValue<string>());

        var pil = ExternalTool.RunPython("""
            import sys
            from PIL import Image
            im = Image.open(sys.argv[1]); im.load()
            rgb = im.convert('RGB')
            # Non-blank: how many pixels differ from the white background, and in how many colours.
            ink = sum(1 for p in rgb.getdata() if p != (255, 255, 255))
            print(im.format, im.size[0], im.size[1], ink, len(set(rgb.getdata())))
            """, png).Split(' ');
        Assert.Equal("PNG", pil[0]);
        Assert.True(int.Parse(pil[1]) >= 800 && int.Parse(pil[2]) >= 400, $"size {pil[1]}x{pil[2]}");
        Assert.True(int.Parse(pil[3]) > 5000, $"only {pil[3]} non-white pixels");
        Assert.True(int.Parse(pil[4]) > 20, $"only {pil[4]} colours");
    }

    [Fact]
    public void A_torn_last_line_is_reported_once_on_stderr_and_the_rest_is_counted()
    {
        var log = FillState();
        File.AppendAllText(log.RecordFile(_today), "{\"schema\":\"tomocrop.savings/1\",\"time_u");

        var result = TomocropProcess.Run("report", "--state", _state.Path, "--days", "1");

        Assert.Equal(0, result.ExitCode);
        var warning = Assert.Single(result.StdErr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("tomocrop: warning: ", warning);
        Assert.Contains(log.RecordFile(_today), warning);
        Assert.Contains("torn", warning);
        Assert.Equal("2", Cells(result.StdOut.TrimEnd('\n').Split('\n')[^1])[1]);
    }

    [Fact]
    public void A_missing_state_directory_is_one_line_and_exit_2()
    {
        var missing = Path.Combine(_state.Path, "nope");

        var result = TomocropProcess.Run("report", "--state", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StdOut);
        var line = Assert.Single(result.StdErr.TrimEnd('\n').Split('\n'));
        Assert.Contains(missing, line);
        Assert.Contains("state directory not found", line);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void A_state_directory_without_records_reports_zeros()
    {
        var result = TomocropProcess.Run("report", "--state", _state.Path, "--days", "2");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Equal(["total", "0", "0", "0", "0", "-"], Cells(result.StdOut.TrimEnd('\n').Split('\n')[^1]));
        Assert.False(Directory.Exists(Path.Combine(_state.Path, "savings"))); // the report only reads
    }
}
