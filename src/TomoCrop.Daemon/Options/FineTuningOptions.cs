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

    /// <summary>
    /// The pretexts whose models a cycle fine-tunes, in this order, each with its own gate and registry: "rotation"
    /// (the rotation localizer's model), "sorting" (the clustering localizer's). Empty = all of them: configuration
    /// binding appends to an array's defaults, so the default lives in <see cref="EffectivePretexts"/>.
    /// </summary>
    public string[] Pretexts { get; set; } = [];

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

    /// <summary>Training steps per model and cycle (from the current model's weights).</summary>
    public int Steps { get; set; } = 300;

    /// <summary>Training time budget per model and cycle (a cycle of both pretexts may take twice this), not counting the time it yields the device to cropping.</summary>
    public int MaxMinutes { get; set; } = 30;

    public int BatchSize { get; set; } = 32;

    /// <summary>Adam learning rate; smaller than from-scratch training, so a cycle adapts rather than relearns.</summary>
    public double LearningRate { get; set; } = 2e-4;

    /// <summary>The newest pool copies a cycle trains on (each is held in memory as a ≤128³ subsample).</summary>
    public int MaxTrainingScans { get; set; } = 32;

    /// <summary>Fixed slice pairs from the held-out scans on which both models' pretext accuracy is measured.</summary>
    public int HeldOutPairs { get; set; } = 420;

    /// <summary>Sorting: fixed batches (of <see cref="BatchSize"/> slices) from the held-out scans on which both models' pairwise ordering accuracy is measured.</summary>
    public int HeldOutSortingBatches { get; set; } = 24;

    /// <summary>
    /// Gate: the candidate's held-out pretext accuracy (rotation: angle classes; sorting: slice pairs in the right
    /// order; both a share, higher is better) may be at most this much below the current model's.
    /// </summary>
    public double AccuracyMargin { get; set; } = 0.01;

    /// <summary>Gate: on no held-out scan may the candidate's box cut into the current model's by more than this (pool voxels).</summary>
    public int BoxMarginVoxels { get; set; } = 2;

    public int Seed { get; set; } = 1;

    /// <summary>What <see cref="Pretexts"/> means: normalised, each once, every pretext when empty. Throws on an unknown name.</summary>
    public IReadOnlyList<string> EffectivePretexts() =>
        Pretexts.Length == 0 ? TomoCrop.Models.Pretexts.All : Pretexts.Select(TomoCrop.Models.Pretexts.Normalise).Distinct().ToList();

    /// <summary>The parsed schedule, or null when cycles follow the interval.</summary>
    public CronExpression? ParsedSchedule() => string.IsNullOrWhiteSpace(Schedule) ? null : CronExpression.Parse(Schedule.Trim());

    /// <summary>The first cycle time strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset NextRun(DateTimeOffset after, TimeZoneInfo zone) =>
        ParsedSchedule() is { } cron
            ? cron.GetNextOccurrence(after, zone) ?? DateTimeOffset.MaxValue
            : after + Interval;

    public IEnumerable<string> Problems(string section)
    {
        var problems = OptionRange.Problems(
            OptionRange.Check(section, nameof(PoolMiB), PoolMiB, 16, 1 << 20),
            OptionRange.Check(section, nameof(PoolEdgeVoxels), PoolEdgeVoxels, 32, 1024),
            OptionRange.Check(section, nameof(HeldOutFraction), HeldOutFraction, 0.01, 0.99),
            OptionRange.Check(section, nameof(Interval), Interval.TotalSeconds, 1, 366 * 86400),
            OptionRange.Check(section, nameof(MinNewScans), MinNewScans, 0, int.MaxValue),
            OptionRange.Check(section, nameof(Steps), Steps, 1, 1_000_000),
            OptionRange.Check(section, nameof(MaxMinutes), MaxMinutes, 1, 10080),
            OptionRange.Check(section, nameof(BatchSize), BatchSize, 2, 1024),
            OptionRange.Check(section, nameof(LearningRate), LearningRate, 1e-7, 1),
            OptionRange.Check(section, nameof(MaxTrainingScans), MaxTrainingScans, 1, 256),
            OptionRange.Check(section, nameof(HeldOutPairs), HeldOutPairs, 7, 100_000),
            OptionRange.Check(section, nameof(HeldOutSortingBatches), HeldOutSortingBatches, 1, 10_000),
            OptionRange.Check(section, nameof(AccuracyMargin), AccuracyMargin, 0, 1),
            OptionRange.Check(section, nameof(BoxMarginVoxels), BoxMarginVoxels, 0, int.MaxValue)).ToList();
        for (var i = 0; i < Exclude.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(Exclude[i]))
            {
                problems.Add($"{section}:Exclude:{i}: is an empty glob");
            }
        }
        for (var i = 0; i < Pretexts.Length; i++)
        {
            if (!TomoCrop.Models.Pretexts.All.Contains(Pretexts[i]?.Trim().ToLowerInvariant()))
            {
                problems.Add($"{section}:Pretexts:{i}: '{Pretexts[i]}' is not a pretext; use {string.Join(" or ", TomoCrop.Models.Pretexts.All)}");
            }
        }
        try
        {
            ParsedSchedule();
        }
        catch (CronFormatException e)
        {
            problems.Add($"{section}:Schedule: '{Schedule}' is not a 5-field cron expression: {e.Message}");
        }
        return problems;
    }
}
