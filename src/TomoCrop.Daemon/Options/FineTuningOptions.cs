using System.Globalization;
using Cronos;

namespace TomoCrop.Daemon.Options;

/// <summary>
/// Section "FineTuning": the training pool of processed scans, when a fine-tuning cycle runs, its budget, and the
/// gate a candidate must pass before it becomes the current model.
/// </summary>
public sealed class FineTuningOptions : IValidatedOptions
{
    public const string Section = "FineTuning";

    /// <summary>Keep pool copies and run scheduled cycles.</summary>
    public bool Enabled { get; set; }

    /// <summary>Upper bound of the pool on disk; the oldest copies go first.</summary>
    public int PoolMiB { get; set; } = 2048;

    /// <summary>The longest edge of a pool copy, in voxels (every k-th voxel of the scan along each axis).</summary>
    public int PoolEdgeVoxels { get; set; } = 192;

    /// <summary>Globs on the scan's path relative to its root; matching scans never enter the pool.</summary>
    public string[] Exclude { get; set; } = [];

    /// <summary>Share of pool copies set aside, when they arrive, as held-out scans: never trained on, used by the gate.</summary>
    public double HeldOutFraction { get; set; } = 0.2;

    /// <summary>Cron expression (5 fields, local time) for cycles, e.g. "0 2 * * *"; when empty, <see cref="Interval"/> is used.</summary>
    public string? Schedule { get; set; }

    /// <summary>Time between cycles when no <see cref="Schedule"/> is set ("1.00:00:00" = daily).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A due cycle runs only when at least this many scans entered the pool since the last cycle.</summary>
    public int MinNewScans { get; set; } = 10;

    /// <summary>Training steps per cycle (from the current model's weights).</summary>
    public int Steps { get; set; } = 300;

    /// <summary>Training time budget per cycle, not counting the time it yields the device to cropping.</summary>
    public int MaxMinutes { get; set; } = 30;

    public int BatchSize { get; set; } = 32;

    /// <summary>Adam learning rate; smaller than from-scratch training, so a cycle adapts rather than relearns.</summary>
    public double LearningRate { get; set; } = 2e-4;

    /// <summary>The newest pool copies a cycle trains on (each is held in memory as a ≤128³ subsample).</summary>
    public int MaxTrainingScans { get; set; } = 32;

    /// <summary>Fixed slice pairs from the held-out scans on which both models' pretext accuracy is measured.</summary>
    public int HeldOutPairs { get; set; } = 420;

    /// <summary>Gate: the candidate's held-out pretext accuracy may be at most this much below the current model's.</summary>
    public double AccuracyMargin { get; set; } = 0.01;

    /// <summary>Gate: on no held-out scan may the candidate's box cut into the current model's by more than this (pool voxels).</summary>
    public int BoxMarginVoxels { get; set; } = 2;

    public int Seed { get; set; } = 1;

    /// <summary>The parsed schedule, or null when cycles follow the interval.</summary>
    public CronExpression? ParsedSchedule() => string.IsNullOrWhiteSpace(Schedule) ? null : CronExpression.Parse(Schedule.Trim());

    /// <summary>The first cycle time strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset NextRun(DateTimeOffset after, TimeZoneInfo zone) =>
        ParsedSchedule() is { } cron
            ? cron.GetNextOccurrence(after, zone) ?? DateTimeOffset.MaxValue
            : after + Interval;

    public IEnumerable<string> Problems(string section)
    {
        if (PoolMiB is < 16 or > 1 << 20)
        {
            yield return $"{section}:PoolMiB: must be within 16–1048576, not {PoolMiB}";
        }
        if (PoolEdgeVoxels is < 32 or > 1024)
        {
            yield return $"{section}:PoolEdgeVoxels: must be within 32–1024, not {PoolEdgeVoxels}";
        }
        for (var i = 0; i < Exclude.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(Exclude[i]))
            {
                yield return $"{section}:Exclude:{i}: is an empty glob";
            }
        }
        if (HeldOutFraction is <= 0 or >= 1)
        {
            yield return $"{section}:HeldOutFraction: must be above 0 and below 1, not {HeldOutFraction.ToString(CultureInfo.InvariantCulture)}";
        }
        string? cronProblem = null;
        try
        {
            ParsedSchedule();
        }
        catch (CronFormatException e)
        {
            cronProblem = $"{section}:Schedule: '{Schedule}' is not a 5-field cron expression: {e.Message}";
        }
        if (cronProblem is not null)
        {
            yield return cronProblem;
        }
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromDays(366))
        {
            yield return $"{section}:Interval: must be within 00:00:01 and 366.00:00:00, not {Interval}";
        }
        if (MinNewScans < 0)
        {
            yield return $"{section}:MinNewScans: must not be negative, not {MinNewScans}";
        }
        if (Steps is < 1 or > 1_000_000)
        {
            yield return $"{section}:Steps: must be within 1–1000000, not {Steps}";
        }
        if (MaxMinutes is < 1 or > 10080)
        {
            yield return $"{section}:MaxMinutes: must be within 1–10080, not {MaxMinutes}";
        }
        if (BatchSize is < 2 or > 1024)
        {
            yield return $"{section}:BatchSize: must be within 2–1024, not {BatchSize}";
        }
        if (LearningRate is <= 0 or > 1 || double.IsNaN(LearningRate))
        {
            yield return $"{section}:LearningRate: must be above 0 and at most 1, not {LearningRate.ToString(CultureInfo.InvariantCulture)}";
        }
        if (MaxTrainingScans is < 1 or > 256)
        {
            yield return $"{section}:MaxTrainingScans: must be within 1–256, not {MaxTrainingScans}";
        }
        if (HeldOutPairs is < 7 or > 100_000)
        {
            yield return $"{section}:HeldOutPairs: must be within 7–100000, not {HeldOutPairs}";
        }
        if (AccuracyMargin is < 0 or > 1 || double.IsNaN(AccuracyMargin))
        {
            yield return $"{section}:AccuracyMargin: must be within 0–1, not {AccuracyMargin.ToString(CultureInfo.InvariantCulture)}";
        }
        if (BoxMarginVoxels < 0)
        {
            yield return $"{section}:BoxMarginVoxels: must not be negative, not {BoxMarginVoxels}";
        }
    }
}
