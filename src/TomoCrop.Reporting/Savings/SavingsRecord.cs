using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TomoCrop.Reporting.Savings;

/// <summary>
/// What one processed volume saved: one JSON line in the day's savings file (snake_case keys, schema
/// <see cref="SchemaId"/>). <see cref="SavedPercent"/> is derived from the byte counts so the two cannot disagree.
/// </summary>
public sealed record SavingsRecord
{
    public const string SchemaId = "tomocrop.savings/1";

    [JsonPropertyOrder(-1)]
    public string Schema { get; init; } = SchemaId;

    public required DateTime TimeUtc { get; init; }

    public required string SourcePath { get; init; }

    public required string Format { get; init; }

    public required long OriginalBytes { get; init; }

    public required long CroppedBytes { get; init; }

    /// <summary>100 × (original − cropped) ÷ original; 0 for an empty original.</summary>
    public double SavedPercent => SavingsMath.SavedPercent(OriginalBytes, CroppedBytes);

    /// <summary>The kept box as [[z0, z1], [y0, y1], [x0, x1]], half-open.</summary>
    public int[][] BoxZyx { get; init; } = [];

    /// <summary>Localizer confidence per axis (z, y, x).</summary>
    public double[] Confidence { get; init; } = [];

    public string Method { get; init; } = "";

    public string? ModelVersion { get; init; }

    /// <summary>Wall time of the whole job for this volume.</summary>
    public double Seconds { get; init; }

    public string OutputPath { get; init; } = "";

    /// <summary>The watch root the volume came from.</summary>
    public string Root { get; init; } = "";

    /// <summary>The UTC day the record is filed under.</summary>
    [JsonIgnore]
    public DateOnly Day => DateOnly.FromDateTime(SavingsMath.AsUtc(TimeUtc));
}

/// <summary>One day's totals: volumes, bytes before and after cropping, and the share saved.</summary>
public sealed record DailySummary(DateOnly Day, int Volumes, long BytesIn, long BytesOut, double SavedPercent)
{
    public long SavedBytes => BytesIn - BytesOut;

    /// <summary>The figures as snake_case JSON (day, volumes, bytes_in, bytes_out, bytes_saved, saved_percent).</summary>
    public JsonObject ToJson() => new()
    {
        ["day"] = Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["volumes"] = Volumes,
        ["bytes_in"] = BytesIn,
        ["bytes_out"] = BytesOut,
        ["bytes_saved"] = SavedBytes,
        ["saved_percent"] = Math.Round(SavedPercent, 3),
    };

    public static DailySummary Of(DateOnly day, IReadOnlyCollection<SavingsRecord> records)
    {
        var bytesIn = records.Sum(r => r.OriginalBytes);
        var bytesOut = records.Sum(r => r.CroppedBytes);
        return new DailySummary(day, records.Count, bytesIn, bytesOut, SavingsMath.SavedPercent(bytesIn, bytesOut));
    }
}

internal static class SavingsMath
{
    public static double SavedPercent(long original, long kept) => original <= 0 ? 0 : 100.0 * (original - kept) / original;

    /// <summary>Times are filed by UTC day; an unspecified kind is taken as UTC already.</summary>
    public static DateTime AsUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Local => time.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(time, DateTimeKind.Utc),
        _ => time,
    };
}
