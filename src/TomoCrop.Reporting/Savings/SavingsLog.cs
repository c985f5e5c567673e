using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TomoCrop.Cropping.Publishing;

namespace TomoCrop.Reporting.Savings;

/// <summary>
/// The daily storage-saving log in one directory: <c>savings-YYYY-MM-DD.jsonl</c>, one JSON line per volume (UTC day
/// of its time), and, once a day is over, <c>summary-YYYY-MM-DD.json</c> with the day's totals for people and other
/// tools. Each record is one write followed by fsync, so a crash leaves at most a torn last line; readers skip
/// unreadable lines and report each once through <paramref name="warn"/> (and <see cref="Warnings"/>).
/// Safe for concurrent use within a process; appends from several processes interleave whole lines (O_APPEND).
/// </summary>
public sealed class SavingsLog(string directory, TimeProvider time, Action<string>? warn = null)
{
    public const string SummarySchemaId = "tomocrop.savings-summary/1";
    private const string RecordPrefix = "savings-";
    private const string RecordSuffix = ".jsonl";
    private const string SummaryPrefix = "summary-";
    private const string SummarySuffix = ".json";
    private const string DayFormat = "yyyy-MM-dd";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    private readonly Lock _gate = new();
    private readonly HashSet<string> _warned = [];
    private readonly List<string> _warnings = [];

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Every problem met while reading (torn or invalid lines), each once.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_gate)
            {
                return [.. _warnings];
            }
        }
    }

    /// <summary>UTC today by the injected clock.</summary>
    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public string RecordFile(DateOnly day) => Path.Combine(Directory, RecordPrefix + day.ToString(DayFormat, CultureInfo.InvariantCulture) + RecordSuffix);

    public string SummaryFile(DateOnly day) => Path.Combine(Directory, SummaryPrefix + day.ToString(DayFormat, CultureInfo.InvariantCulture) + SummarySuffix);

    /// <summary>Appends one line and fsyncs it before returning; the directory is created when missing.</summary>
    public void Append(SavingsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var line = JsonSerializer.SerializeToUtf8Bytes(record with { TimeUtc = SavingsMath.AsUtc(record.TimeUtc) }, Json);
        var path = RecordFile(record.Day);
        lock (_gate)
        {
            DurableFile.AppendLine(path, line);
        }
    }

    /// <summary>
    /// Writes the summary of every finished day (before today, UTC) that has records and no summary yet; returns
    /// how many it wrote. Idempotent: the daemon calls it at start and periodically.
    /// </summary>
    public int CloseFinishedDays()
    {
        var today = Today;
        var written = 0;
        foreach (var day in RecordedDays().Where(d => d < today))
        {
            var summaryPath = SummaryFile(day);
            if (File.Exists(summaryPath))
            {
                continue;
            }
            var records = Records(day);
            var summary = DailySummary.Of(day, records);
            var json = new JsonObject { ["schema"] = SummarySchemaId };
            foreach (var (key, value) in summary.ToJson())
            {
                json[key] = value?.DeepClone();
            }
            json["records_file"] = Path.GetFileName(RecordFile(day));
            json["written_utc"] = time.GetUtcNow().UtcDateTime;
            var bytes = Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            DurableFile.Replace(summaryPath, stream => stream.Write(bytes), "savings summary");
            written++;
        }
        return written;
    }

    /// <summary>The last <paramref name="days"/> days up to today (UTC), oldest first, with zeros for days without volumes.</summary>
    public IReadOnlyList<DailySummary> Days(int days)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var today = Today;
        return [.. Enumerable.Range(0, days).Select(i => today.AddDays(i - days + 1)).Select(day => DailySummary.Of(day, Records(day)))];
    }

    /// <summary>The readable records of one day, in file order; unreadable lines are skipped and reported once.</summary>
    public IReadOnlyList<SavingsRecord> Records(DateOnly day)
    {
        var path = RecordFile(day);
        if (!File.Exists(path))
        {
            return [];
        }
        string[] lines;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            lines = reader.ReadToEnd().Split('\n');
        }
        var records = new List<SavingsRecord>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].Trim();
            if (text.Length == 0)
            {
                continue;
            }
            var isLast = i == lines.Length - 1; // no newline after it: the write did not finish
            if (Parse(text) is { } record)
            {
                records.Add(record);
            }
            else
            {
                Warn($"{path}: line {i + 1} skipped: {(isLast ? "torn last line (unfinished write)" : "unreadable (a write torn by a crash, or not a savings record)")}");
            }
        }
        return records;
    }

    private static SavingsRecord? Parse(string line)
    {
        try
        {
            var record = JsonSerializer.Deserialize<SavingsRecord>(line, Json);
            return record is { Schema: SavingsRecord.SchemaId } ? record : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private IEnumerable<DateOnly> RecordedDays()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            yield break;
        }
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, RecordPrefix + "*" + RecordSuffix))
        {
            var name = Path.GetFileName(file);
            var stamp = name[RecordPrefix.Length..^RecordSuffix.Length];
            if (DateOnly.TryParseExact(stamp, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                yield return day;
            }
        }
    }

    private void Warn(string message)
    {
        lock (_gate)
        {
            if (!_warned.Add(message))
            {
                return;
            }
            _warnings.Add(message);
        }
        warn?.Invoke(message);
    }
}
