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

/// <summary>What one cycle did, with every figure the gate used; one JSON line in STATE/finetune/decisions.jsonl.</summary>
public sealed record FineTuningOutcome
{
    /// <summary>"promoted", "rejected" or "skipped".</summary>
    public required string Status { get; init; }
    public required DateTime TimeUtc { get; init; }
    public IReadOnlyList<string> Reasons { get; init; } = [];
    public string? CurrentVersion { get; init; }
    public string? CandidateVersion { get; init; }
    public double? CurrentAccuracy { get; init; }
    public double? CandidateAccuracy { get; init; }
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
/// One fine-tuning cycle, the same for the schedule and <c>tomocrop finetune</c>: train a candidate from the current
/// model's weights on the pool's training copies (rotation pretext, no labels), score candidate and current model on
/// the held-out copies (pretext accuracy on the same fixed pairs; the box each localizes), let the
/// <see cref="PromotionGate"/> decide, and only then register and promote. The candidate is built in a hidden work
/// directory; the registry is touched only by an atomic add and an atomic switch, so a crash at any point leaves the
/// current model as it was. Cycles of all processes on one state directory are serialised by a lock file.
/// </summary>
public sealed class FineTuningCycle(
    FineTuningOptions options, StateOptions state, LocalizerSettings localizer, TrainingPool pool, TimeProvider time, ILogger logger)
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string DecisionsPath => Path.Combine(state.FineTuningDirectory, "decisions.jsonl");

    /// <summary>Runs one cycle. <paramref name="beforeStep"/> may block between training steps to yield the device.</summary>
    public FineTuningOutcome Run(int? steps = null, Action<CancellationToken>? beforeStep = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(state.FineTuningDirectory);
        FileStream? cycleLock;
        try
        {
            cycleLock = new FileStream(Path.Combine(state.FineTuningDirectory, "cycle.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return Finish(Skipped("another fine-tuning cycle is running on this state directory"), clock);
        }
        using (cycleLock)
        {
            RemoveAbandonedWork();
            var registry = new ModelRegistry(state.ModelsDirectory, time);
            var current = registry.Current ?? registry.EnsureSeeded(ModelCatalog.DefaultModelPath);
            var training = pool.TrainingVolumes().TakeLast(options.MaxTrainingScans).ToList();
            var heldOut = pool.HeldOutVolumes();
            if (training.Count == 0 || heldOut.Count == 0)
            {
                return Finish(Skipped($"the pool holds {training.Count} training and {heldOut.Count} held-out scans; a cycle needs at least one of each") with
                {
                    CurrentVersion = current.Version,
                    TrainingScans = training.Count,
                    HeldOutScans = heldOut.Count,
                }, clock);
            }

            var work = Path.Combine(state.FineTuningDirectory, $".candidate-{time.GetUtcNow().UtcDateTime:yyyyMMddTHHmmss}-{Environment.ProcessId}");
            Directory.CreateDirectory(work);
            try
            {
                var candidatePath = Train(current, training, heldOut, work, steps ?? options.Steps, beforeStep, cancellationToken);
                var outcome = Judge(registry, current, candidatePath, training.Count, heldOut, cancellationToken);
                return Finish(outcome, clock);
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private string Train(
        ModelVersion current, IReadOnlyList<string> training, IReadOnlyList<string> heldOut, string work, int steps,
        Action<CancellationToken>? beforeStep, CancellationToken cancellationToken)
    {
        var parent = Checkpoint.ReadMetadata(current.ModelPath);
        logger.LogInformation("fine-tuning {Version} on {Training} pool scans ({HeldOut} held out): {Steps} steps, at most {Minutes} min",
            current.Version, training.Count, heldOut.Count, steps, options.MaxMinutes);
        var result = RotationTrainer.Run(new TrainingOptions
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
            Command = $"fine-tune of {current.Version} ({current.WeightsSha256[..12]}) on {training.Count} pool scans",
        }, new Progress(logger), cancellationToken);
        return result.CheckpointPath;
    }

    private FineTuningOutcome Judge(
        ModelRegistry registry, ModelVersion current, string candidatePath, int trainingScans, IReadOnlyList<string> heldOut, CancellationToken cancellationToken)
    {
        var accuracies = PretextEvaluation.Accuracies([current.ModelPath, candidatePath], heldOut, options.HeldOutPairs, options.Seed, localizer.Device);
        var boxes = new List<HeldOutBoxes>();
        var scans = new List<HeldOutScan>();
        using (var currentLocalizer = Disposable(localizer with { Method = LocalizerSettings.Rotation, ModelPath = current.ModelPath }))
        using (var candidateLocalizer = Disposable(localizer with { Method = LocalizerSettings.Rotation, ModelPath = candidatePath }))
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
        var decision = new PromotionGate(options.AccuracyMargin, options.BoxMarginVoxels).Decide(accuracies[0], accuracies[1], scans);
        var outcome = new FineTuningOutcome
        {
            Status = decision.Promote ? "promoted" : "rejected",
            TimeUtc = time.GetUtcNow().UtcDateTime,
            Reasons = decision.Reasons,
            CurrentVersion = current.Version,
            CurrentAccuracy = Math.Round(accuracies[0], 4),
            CandidateAccuracy = Math.Round(accuracies[1], 4),
            TrainingScans = trainingScans,
            HeldOutScans = heldOut.Count,
            Steps = Checkpoint.ReadMetadata(candidatePath).Steps,
            Boxes = boxes,
        };
        if (!decision.Promote)
        {
            return outcome;
        }
        if (registry.Current?.Version != current.Version)
        {
            return outcome with { Status = "rejected", Reasons = [$"the current model changed from {current.Version} to {registry.Current?.Version} during the cycle"] };
        }
        var metrics = new Dictionary<string, double>(Checkpoint.ReadMetadata(candidatePath).Metrics)
        {
            ["gate_heldout_accuracy"] = accuracies[1],
            ["gate_parent_heldout_accuracy"] = accuracies[0],
            ["gate_heldout_scans"] = heldOut.Count,
        };
        var added = registry.Add(candidatePath, "fine-tune", current.Version, metrics,
            $"fine-tuned on {trainingScans} pool scans; held-out pretext accuracy {accuracies[0]:0.####} -> {accuracies[1]:0.####}");
        registry.Promote(added.Version, $"fine-tune gate passed: held-out pretext accuracy {accuracies[0]:0.####} -> {accuracies[1]:0.####} on {heldOut.Count} scans, no box cut beyond {options.BoxMarginVoxels} voxels");
        return outcome with { CandidateVersion = added.Version };
    }

    private FineTuningOutcome Skipped(string reason) => new() { Status = "skipped", TimeUtc = time.GetUtcNow().UtcDateTime, Reasons = [reason] };

    private FineTuningOutcome Finish(FineTuningOutcome outcome, Stopwatch clock)
    {
        outcome = outcome with { Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
        var figures = outcome.CurrentAccuracy is null
            ? ""
            : $"; held-out pretext accuracy current {outcome.CurrentAccuracy:0.####}, candidate {outcome.CandidateAccuracy:0.####} on {outcome.HeldOutScans} scans";
        var reasons = outcome.Reasons.Count == 0 ? "" : ": " + string.Join("; ", outcome.Reasons);
        logger.Log(outcome.Status == "rejected" ? LogLevel.Warning : LogLevel.Information,
            "fine-tuning {Status}{Version}{Figures}{Reasons} ({Seconds} s)",
            outcome.Status, outcome.CandidateVersion is { } v ? $" as {v} (parent {outcome.CurrentVersion})" : "", figures, reasons, outcome.Seconds);
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

    private sealed class Progress(ILogger logger) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Message is { } message)
            {
                logger.LogInformation("fine-tuning: {Message}", message);
            }
            if (!double.IsNaN(value.Loss))
            {
                logger.LogInformation("fine-tuning step {Step}/{Total}: loss {Loss:0.###}, pretext accuracy {Accuracy:0.###}, {Speed:0.##} steps/s{HeldOut}",
                    value.Step, value.TotalSteps, value.Loss, value.TrainAccuracy, value.StepsPerSecond,
                    value.HeldOutAccuracy is { } h ? $", held-out accuracy {h:0.###}" : "");
            }
        }
    }
}
