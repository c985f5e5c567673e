using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TomoCrop.Cropping.Publishing;
using TomoCrop.Daemon.Options;
using TomoCrop.Localization;
using TomoCrop.Models;
using TomoCrop.Registry;
using TomoCrop.Training;
using TomoCrop.Volumes;

namespace TomoCrop.Daemon.FineTuning;

/// <summary>What one cycle did for one pretext, with every figure the gate used; one JSON line in STATE/finetune/decisions.jsonl.</summary>
public sealed record FineTuningOutcome
{
    /// <summary>"rotation" or "sorting": whose model and registry this decision is about.</summary>
    public required string Pretext { get; init; }

    /// <summary>"promoted", "rejected" or "skipped".</summary>
    public required string Status { get; init; }
    public required DateTime TimeUtc { get; init; }
    public IReadOnlyList<string> Reasons { get; init; } = [];
    public string? CurrentVersion { get; init; }
    public string? CandidateVersion { get; init; }

    /// <summary>What <see cref="CurrentAccuracy"/> and <see cref="CandidateAccuracy"/> measure (<see cref="HeldOutAccuracy"/>).</summary>
    public string? Metric { get; init; }
    public double? CurrentAccuracy { get; init; }
    public double? CandidateAccuracy { get; init; }

    /// <summary>Further held-out figures of the pretext (sorting: both models' mean displacement).</summary>
    public IReadOnlyDictionary<string, double> Figures { get; init; } = new Dictionary<string, double>();
    public int TrainingScans { get; init; }
    public int HeldOutScans { get; init; }
    public long Steps { get; init; }
    public double Seconds { get; init; }
    public IReadOnlyList<HeldOutBoxes> Boxes { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public bool Promoted => Status == "promoted";
}

/// <summary>Both models' boxes on one held-out scan, [[z0, z1], [y0, y1], [x0, x1]] in pool voxels.</summary>
public sealed record HeldOutBoxes(string Scan, int[][] Current, int[][] Candidate);

/// <summary>
/// One fine-tuning cycle, the same for the schedule and <c>tomocrop finetune</c>. For each pretext of
/// <see cref="FineTuningOptions.Pretexts"/> in turn (rotation, then sorting): train a candidate from the current
/// model of that pretext's registry (<see cref="PretextRegistry"/>) on the pool's training copies, no labels; score
/// candidate and current model on the held-out copies (<see cref="HeldOutAccuracy"/> on the same fixed samples; the
/// box each localizes with the pretext's localizer: rotation, or clustering for sorting); let the
/// <see cref="PromotionGate"/> decide, and only then register and promote. Each pretext has its own decision line.
/// A candidate is built in a hidden work directory; a registry is touched only by an atomic add and an atomic switch,
/// so a crash at any point leaves every current model as it was. Cycles of all processes on one state directory are
/// serialised by a lock file.
/// </summary>
public sealed class FineTuningCycle(
    FineTuningOptions options, StateOptions state, LocalizerSettings localizer, TrainingPool pool, TimeProvider time, ILogger logger)
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string DecisionsPath => Path.Combine(state.FineTuningDirectory, "decisions.jsonl");

    /// <summary>
    /// Runs one cycle: one outcome per pretext, in order. <paramref name="beforeStep"/> may block between training
    /// steps to yield the device.
    /// </summary>
    public IReadOnlyList<FineTuningOutcome> Run(int? steps = null, Action<CancellationToken>? beforeStep = null, CancellationToken cancellationToken = default)
    {
        var pretexts = options.EffectivePretexts();
        Directory.CreateDirectory(state.FineTuningDirectory);
        FileStream? cycleLock;
        try
        {
            cycleLock = new FileStream(Path.Combine(state.FineTuningDirectory, "cycle.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return pretexts.Select(p => Finish(Skipped(p, "another fine-tuning cycle is running on this state directory"), Stopwatch.StartNew())).ToList();
        }
        using (cycleLock)
        {
            RemoveAbandonedWork();
            var training = pool.TrainingVolumes().TakeLast(options.MaxTrainingScans).ToList();
            var heldOut = pool.HeldOutVolumes();
            return pretexts.Select(p => Run(PretextRegistry.Open(state, p, time), training, heldOut, steps ?? options.Steps, beforeStep, cancellationToken)).ToList();
        }
    }

    private FineTuningOutcome Run(
        PretextRegistry models, IReadOnlyList<string> training, IReadOnlyList<string> heldOut, int steps,
        Action<CancellationToken>? beforeStep, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var current = models.CurrentOrSeed();
        if (training.Count == 0 || heldOut.Count == 0)
        {
            return Finish(Skipped(models.Pretext, $"the pool holds {training.Count} training and {heldOut.Count} held-out scans; a cycle needs at least one of each") with
            {
                CurrentVersion = current.Version,
                TrainingScans = training.Count,
                HeldOutScans = heldOut.Count,
            }, clock);
        }

        var work = Path.Combine(state.FineTuningDirectory, $".candidate-{models.Pretext}-{time.GetUtcNow().UtcDateTime:yyyyMMddTHHmmss}-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            var candidatePath = Train(models.Pretext, current, training, heldOut, work, steps, beforeStep, cancellationToken);
            return Finish(Judge(models, current, candidatePath, training.Count, heldOut, cancellationToken), clock);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private string Train(
        string pretext, ModelVersion current, IReadOnlyList<string> training, IReadOnlyList<string> heldOut, string work, int steps,
        Action<CancellationToken>? beforeStep, CancellationToken cancellationToken)
    {
        var parent = Checkpoint.ReadMetadata(current.ModelPath);
        logger.LogInformation("fine-tuning the {Pretext} model {Version} on {Training} pool scans ({HeldOut} held out): {Steps} steps, at most {Minutes} min",
            pretext, current.Version, training.Count, heldOut.Count, steps, options.MaxMinutes);
        var result = PretextTrainer.Run(pretext, new TrainingOptions
        {
            Inputs = training,
            HeldOutInputs = heldOut,
            OutputPath = Path.Combine(work, "model.json"),
            InitialWeights = current.ModelPath,
            Architecture = parent.Architecture,
            Preprocessing = parent.Preprocessing,
            Steps = steps,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            Device = localizer.Device,
            CheckpointEvery = 0,
            EvaluateEvery = 0,
            ReportEvery = Math.Max(10, steps / 10),
            MaxVolumes = options.MaxTrainingScans + heldOut.Count,
            TimeBudget = TimeSpan.FromMinutes(options.MaxMinutes),
            BeforeStep = beforeStep,
            Command = $"fine-tune of {pretext} model {current.Version} ({current.WeightsSha256[..12]}) on {training.Count} pool scans",
        }, null, new Progress(logger, pretext), cancellationToken);
        return result.CheckpointPath;
    }

    private FineTuningOutcome Judge(
        PretextRegistry models, ModelVersion current, string candidatePath, int trainingScans, IReadOnlyList<string> heldOut, CancellationToken cancellationToken)
    {
        var accuracy = HeldOutAccuracy.Measure(models.Pretext, options, current.ModelPath, candidatePath, heldOut, localizer.Device);
        var boxes = new List<HeldOutBoxes>();
        var scans = new List<HeldOutScan>();
        using (var currentLocalizer = Disposable(BoxSettings(models.LocalizerMethod, current.ModelPath)))
        using (var candidateLocalizer = Disposable(BoxSettings(models.LocalizerMethod, candidatePath)))
        {
            foreach (var scan in heldOut)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var reader = VolumeIO.Open(scan);
                var currentBox = currentLocalizer.Value.Localize(reader, cancellationToken).Box;
                var candidateBox = candidateLocalizer.Value.Localize(reader, cancellationToken).Box;
                scans.Add(new HeldOutScan(Path.GetFileName(scan), currentBox, candidateBox));
                boxes.Add(new HeldOutBoxes(Path.GetFileName(scan), currentBox.ToJsonArray(), candidateBox.ToJsonArray()));
            }
        }
        var decision = new PromotionGate(options.AccuracyMargin, options.BoxMarginVoxels).Decide(accuracy.Current, accuracy.Candidate, scans);
        var outcome = new FineTuningOutcome
        {
            Pretext = models.Pretext,
            Status = decision.Promote ? "promoted" : "rejected",
            TimeUtc = time.GetUtcNow().UtcDateTime,
            Reasons = decision.Reasons,
            CurrentVersion = current.Version,
            Metric = accuracy.Metric,
            CurrentAccuracy = Math.Round(accuracy.Current, 4),
            CandidateAccuracy = Math.Round(accuracy.Candidate, 4),
            Figures = accuracy.Figures,
            TrainingScans = trainingScans,
            HeldOutScans = heldOut.Count,
            Steps = Checkpoint.ReadMetadata(candidatePath).Steps,
            Boxes = boxes,
        };
        if (!decision.Promote)
        {
            return outcome;
        }
        var registry = models.Registry;
        if (registry.Current?.Version != current.Version)
        {
            return outcome with { Status = "rejected", Reasons = [$"the current model changed from {current.Version} to {registry.Current?.Version} during the cycle"] };
        }
        var metrics = new Dictionary<string, double>(Checkpoint.ReadMetadata(candidatePath).Metrics)
        {
            ["gate_heldout_accuracy"] = accuracy.Candidate,
            ["gate_parent_heldout_accuracy"] = accuracy.Current,
            ["gate_heldout_scans"] = heldOut.Count,
        };
        foreach (var (name, value) in accuracy.Figures)
        {
            metrics[$"gate_{name}"] = value;
        }
        var change = $"held-out {accuracy.Metric.Replace('_', ' ')} {accuracy.Current:0.####} -> {accuracy.Candidate:0.####}";
        var added = models.Add(candidatePath, "fine-tune", current.Version, metrics, $"fine-tuned on {trainingScans} pool scans; {change}");
        registry.Promote(added.Version, $"fine-tune gate passed: {change} on {heldOut.Count} scans, no box cut beyond {options.BoxMarginVoxels} voxels");
        return outcome with { CandidateVersion = added.Version };
    }

    /// <summary>
    /// The localizer the gate's boxes come from: the configured one (with its cut) when it is the pretext's method,
    /// else that method's defaults on the same device (another method's thresholds mean something else).
    /// </summary>
    private LocalizerSettings BoxSettings(string method, string modelPath) =>
        LocalizerSettings.NormaliseMethod(localizer.Method) == method ? localizer with { ModelPath = modelPath } : new LocalizerSettings { Method = method, ModelPath = modelPath, Device = localizer.Device };

    private FineTuningOutcome Skipped(string pretext, string reason) =>
        new() { Pretext = pretext, Status = "skipped", TimeUtc = time.GetUtcNow().UtcDateTime, Reasons = [reason] };

    private FineTuningOutcome Finish(FineTuningOutcome outcome, Stopwatch clock)
    {
        outcome = outcome with { Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
        var figures = outcome.CurrentAccuracy is null
            ? ""
            : $"; held-out {outcome.Metric?.Replace('_', ' ')} current {outcome.CurrentAccuracy:0.####}, candidate {outcome.CandidateAccuracy:0.####} on {outcome.HeldOutScans} scans";
        var reasons = outcome.Reasons.Count == 0 ? "" : ": " + string.Join("; ", outcome.Reasons);
        logger.Log(outcome.Status == "rejected" ? LogLevel.Warning : LogLevel.Information,
            "fine-tuning of the {Pretext} model {Status}{Version}{Figures}{Reasons} ({Seconds} s)",
            outcome.Pretext, outcome.Status, outcome.CandidateVersion is { } v ? $" as {v} (parent {outcome.CurrentVersion})" : "", figures, reasons, outcome.Seconds);
        // A skip for lack of scans is not a decision; the schedule would otherwise fill the file with them.
        if (outcome.Status != "skipped" || outcome.TrainingScans + outcome.HeldOutScans > 0)
        {
            DurableFile.AppendLine(DecisionsPath, JsonSerializer.SerializeToUtf8Bytes(outcome, Json));
        }
        return outcome;
    }

    /// <summary>Work directories of a cycle that was killed; safe to remove because this process holds the lock.</summary>
    private void RemoveAbandonedWork()
    {
        foreach (var directory in Directory.EnumerateDirectories(state.FineTuningDirectory, ".candidate-*"))
        {
            logger.LogInformation("removing the work of an interrupted fine-tuning cycle: {Directory}", directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static DisposableLocalizer Disposable(LocalizerSettings settings) => new(settings.Create());

    private sealed class DisposableLocalizer(ILocalizer value) : IDisposable
    {
        public ILocalizer Value { get; } = value;

        public void Dispose() => (Value as IDisposable)?.Dispose();
    }

    private sealed class Progress(ILogger logger, string pretext) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Message is { } message)
            {
                logger.LogInformation("fine-tuning: {Message}", message);
            }
            if (!double.IsNaN(value.Loss))
            {
                // Sorting has no accuracy while training; its control metric is the mean displacement.
                var figure = value.MeanDisplacement is { } d ? $"mean displacement {d:0.###}" : $"pretext accuracy {value.TrainAccuracy:0.###}";
                var held = value.HeldOutAccuracy is { } h ? $", held-out accuracy {h:0.###}"
                    : value.HeldOutMeanDisplacement is { } hd ? $", held-out mean displacement {hd:0.###}" : "";
                logger.LogInformation("fine-tuning {Pretext} step {Step}/{Total}: loss {Loss:0.###}, {Figure}, {Speed:0.##} steps/s{HeldOut}",
                    pretext, value.Step, value.TotalSteps, value.Loss, figure, value.StepsPerSecond, held);
            }
        }
    }
}
