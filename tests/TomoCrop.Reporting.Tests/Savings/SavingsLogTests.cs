using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TomoCrop.Reporting.Savings;
using TomoCrop.TestSupport;

namespace TomoCrop.Reporting.Tests.Savings;

public sealed class SavingsLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 22, 30, 0, TimeSpan.Zero));
    private readonly List<string> _warnings = [];

    public void Dispose() => _dir.Dispose();

    private SavingsLog NewLog() => new(Path.Combine(_dir.Path, "savings"), _clock, _warnings.Add);

    internal static SavingsRecord Record(DateTime time, long original, long cropped, string name = "scan.h5") => new()
    {
        TimeUtc = time,
        SourcePath = $"/data/recon/{name}",
        Format = "hdf5",
        OriginalBytes = original,
        CroppedBytes = cropped,
        BoxZyx = [[10, 90], [20, 100], [5, 120]],
        Confidence = [0.91, 0.88, 0.95],
        Method = "rotation",
        ModelVersion = "c642a6edd6e8",
        Seconds = 12.5,
        OutputPath = $"/data/cropped/{name}",
        Root = "/data/recon",
    };

    [Fact]
    public void Each_record_is_one_snake_case_json_line_in_the_file_of_its_utc_day()
    {
        var log = NewLog();
        // 23:30 at UTC-2 is 01:30 UTC the next day: filed under the UTC day.
        var local = new DateTimeOffset(2026, 11, 26, 23, 30, 0, TimeSpan.FromHours(-2)).UtcDateTime;
        log.Append(Record(new DateTime(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc), 1000, 250, "a.h5"));
        log.Append(Record(local, 4000, 1000, "b.h5"));

        var first = File.ReadAllText(log.RecordFile(new DateOnly(2026, 11, 26)));
        var second = File.ReadAllText(log.RecordFile(new DateOnly(2026, 11, 27)));
        Assert.EndsWith("\n", first);
        Assert.Single(first.TrimEnd('\n').Split('\n'));
        Assert.Contains("b.h5", second);

        using var json = JsonDocument.Parse(first);
        var root = json.RootElement;
        Assert.Equal("tomocrop.savings/1", root.GetProperty("schema").GetString());
        Assert.Equal("2026-11-26T08:00:00Z", root.GetProperty("time_utc").GetString());
        Assert.Equal("/data/recon/a.h5", root.GetProperty("source_path").GetString());
        Assert.Equal(1000, root.GetProperty("original_bytes").GetInt64());
        Assert.Equal(250, root.GetProperty("cropped_bytes").GetInt64());
        Assert.Equal(75.0, root.GetProperty("saved_percent").GetDouble(), 9);
        Assert.Equal(90, root.GetProperty("box_zyx")[0][1].GetInt32());
        Assert.Equal(0.88, root.GetProperty("confidence")[1].GetDouble());
        Assert.Equal("c642a6edd6e8", root.GetProperty("model_version").GetString());
        Assert.Equal("/data/cropped/a.h5", root.GetProperty("output_path").GetString());
        Assert.Equal("/data/recon", root.GetProperty("root").GetString());

        var back = Assert.Single(log.Records(new DateOnly(2026, 11, 27)));
        Assert.Equal(new DateTime(2026, 11, 27, 1, 30, 0, DateTimeKind.Utc), back.TimeUtc);
        Assert.Equal(75.0, back.SavedPercent, 9);
        Assert.Equal([0.91, 0.88, 0.95], back.Confidence);
        Assert.Empty(_warnings);
    }

    [Fact]
    public void A_torn_last_line_is_skipped_with_one_warning_and_the_next_append_starts_a_fresh_line()
    {
        var log = NewLog();
        var day = new DateOnly(2026, 11, 27);
        log.Append(Record(new DateTime(2026, 11, 27, 9, 0, 0, DateTimeKind.Utc), 1000, 400));
        // A crash mid-write: half a record, no newline.
        var path = log.RecordFile(day);
        var whole = JsonSerializer.Serialize(new { schema = "tomocrop.savings/1", time_utc = "2026-11-27T10:00:00Z" });
        File.AppendAllText(path, whole[..(whole.Length / 2)]);

        Assert.Single(log.Records(day));
        Assert.Single(log.Records(day)); // read twice, warned once
        var warning = Assert.Single(_warnings);
        Assert.Contains(path, warning);
        Assert.Contains("line 2", warning);
        Assert.Contains("torn", warning);

        log.Append(Record(new DateTime(2026, 11, 27, 11, 0, 0, DateTimeKind.Utc), 2000, 500));
        var lines = File.ReadAllText(path).Split('\n');
        Assert.Equal(4, lines.Length); // record, torn fragment, record, "" after the final newline
        var records = log.Records(day);
        Assert.Equal([1000L, 2000L], records.Select(r => r.OriginalBytes));
        Assert.Equal(2, _warnings.Count); // the fragment, now a middle line, is reported again under its new reason
        Assert.Equal(_warnings, log.Warnings);
    }

    [Fact]
    public void Concurrent_appends_from_many_threads_each_land_as_a_whole_line()
    {
        var log = NewLog();
        var time = new DateTime(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc);
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => log.Append(Record(time, 1000 + i, 100, $"v{i}.h5")));

        var records = log.Records(DateOnly.FromDateTime(time));
        Assert.Equal(200, records.Count);
        Assert.Equal(Enumerable.Range(1000, 200).Select(i => (long)i), records.Select(r => r.OriginalBytes).Order());
        Assert.Empty(_warnings);
    }

    [Fact]
    public void Days_covers_the_last_n_days_up_to_today_with_zeros_where_nothing_was_cropped()
    {
        var log = NewLog();
        log.Append(Record(new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc), 5000, 4000)); // outside a 5-day window
        log.Append(Record(new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Utc), 1000, 250));
        log.Append(Record(new DateTime(2026, 11, 24, 23, 59, 59, DateTimeKind.Utc), 3000, 750));
        log.Append(Record(new DateTime(2026, 11, 27, 0, 0, 0, DateTimeKind.Utc), 2000, 2000));

        var days = log.Days(5);

        Assert.Equal(Enumerable.Range(23, 5).Select(d => new DateOnly(2026, 11, d)), days.Select(d => d.Day));
        Assert.Equal(new DailySummary(new DateOnly(2026, 11, 23), 0, 0, 0, 0), days[0]);
        Assert.Equal(new DailySummary(new DateOnly(2026, 11, 24), 2, 4000, 1000, 75.0), days[1]);
        Assert.Equal(0, days[2].Volumes);
        Assert.Equal(new DailySummary(new DateOnly(2026, 11, 27), 1, 2000, 2000, 0.0), days[4]);
        Assert.Equal(3000, days[1].SavedBytes);

        _clock.Advance(TimeSpan.FromHours(2)); // past midnight: the window moves
        Assert.Equal(new DateOnly(2026, 11, 28), log.Days(1)[0].Day);
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Days(0));
    }

    [Fact]
    public void Closing_finished_days_writes_each_summary_once_and_never_today()
    {
        var log = NewLog();
        log.Append(Record(new DateTime(2026, 11, 25, 10, 0, 0, DateTimeKind.Utc), 1000, 100));
        log.Append(Record(new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc), 1000, 500));
        log.Append(Record(new DateTime(2026, 11, 26, 11, 0, 0, DateTimeKind.Utc), 3000, 500));
        log.Append(Record(new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc), 8000, 1000));

        Assert.Equal(2, log.CloseFinishedDays());
        Assert.Equal(0, log.CloseFinishedDays()); // idempotent
        Assert.False(File.Exists(log.SummaryFile(new DateOnly(2026, 11, 27))));

        using (var json = JsonDocument.Parse(File.ReadAllText(log.SummaryFile(new DateOnly(2026, 11, 26)))))
        {
            var root = json.RootElement;
            Assert.Equal("tomocrop.savings-summary/1", root.GetProperty("schema").GetString());
            Assert.Equal("2026-11-26", root.GetProperty("day").GetString());
            Assert.Equal(2, root.GetProperty("volumes").GetInt32());
            Assert.Equal(4000, root.GetProperty("bytes_in").GetInt64());
            Assert.Equal(1000, root.GetProperty("bytes_out").GetInt64());
            Assert.Equal(75.0, root.GetProperty("saved_percent").GetDouble());
        }
        Assert.DoesNotContain(Directory.EnumerateFiles(log.Directory), f => Path.GetFileName(f).StartsWith('.'));

        _clock.Advance(TimeSpan.FromHours(2)); // 2026-11-28: the 27th is finished now
        Assert.Equal(1, log.CloseFinishedDays());
        Assert.True(File.Exists(log.SummaryFile(new DateOnly(2026, 11, 27))));
    }

    [Fact]
    public void A_missing_directory_reads_as_no_records_and_is_created_by_the_first_append()
    {
        var log = NewLog();
        Assert.All(log.Days(3), d => Assert.Equal(0, d.Volumes));
        Assert.Equal(0, log.CloseFinishedDays());
        Assert.False(Directory.Exists(log.Directory));

        log.Append(Record(new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc), 10, 5));
        Assert.True(File.Exists(log.RecordFile(new DateOnly(2026, 11, 27))));
    }

    [Fact]
    public void Lines_of_another_schema_or_garbage_are_skipped_and_named()
    {
        var log = NewLog();
        var day = new DateOnly(2026, 11, 27);
        Directory.CreateDirectory(log.Directory);
        File.WriteAllText(log.RecordFile(day), "{\"schema\":\"other/9\"}\nnot json at all\n", Encoding.UTF8);
        log.Append(Record(new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc), 10, 5));

        Assert.Single(log.Records(day));
        Assert.Equal(2, _warnings.Count);
        Assert.Contains("line 1", _warnings[0]);
        Assert.Contains("line 2", _warnings[1]);
    }
}
