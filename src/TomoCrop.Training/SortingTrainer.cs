using System.Diagnostics;
using TomoCrop.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TomoCrop.Training;

/// <summary>
/// Loss, mean displacement and pairwise ordering accuracy averaged over a set of sorting batches. The accuracy (share
/// of slice pairs whose scores are in the right order, ties half) is the higher-is-better figure the fine-tuning gate
/// compares, on the same scale as the rotation pretext's accuracy (a random order scores 0.5).
/// </summary>
public sealed record SortingScore(double Loss, double MeanDisplacement, double RandomOrderDisplacement, double PairwiseAccuracy);

/// <summary>
/// Trains the sorting pretext (paper eqs. 1–2): per step one batch of bs slices from one volume along one axis, a
/// scalar head on the shared ResNet trunk, the pairwise margin ranking loss; the control metric is the mean
/// displacement, logged with a random order's for scale and stored in the checkpoint's metrics. Data loading,
/// resuming and checkpoints are <see cref="TrainingSession"/>'s, as for the rotation pretext.
/// </summary>
public static class SortingTrainer
{
    public static TrainingResult Run(TrainingOptions options, SortingOptions sorting, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (options.BatchSize < 2)
        {
            throw new ArgumentException("the sorting pretext needs at least two slices per batch");
        }
        var data = TrainingSession.Prepare(options, progress);
        using var network = TrainingSession.Start(options, data, Pretexts.Sorting, out var optimizer, out var step);
        var sampler = new SortingBatchSampler(new PreparedSlices(data.Train, data.Settings), options.BatchSize, options.EtaSpread,
            new Random(unchecked(options.Seed + (int)step)));
        var heldOut = data.Held.Count == 0 ? [] : FixedBatches(data.Held, data.Settings, options, sorting.HeldOutBatches);
        var metrics = new Dictionary<string, double> { ["random_order_mean_displacement"] = SlicePositions.RandomOrderDisplacement(options.BatchSize) };
        var window = new List<(double Loss, double Displacement)>();
        var clock = Stopwatch.StartNew();
        var pacer = new StepPacer(options);
        var outOfTime = false;
        var checkpoint = "";

        network.train();
        while (step < options.Steps && !outOfTime)
        {
            pacer.BeforeStep(clock, cancellationToken);
            window.Add(TrainStep(network, optimizer, sampler.Next(), data, sorting.Margin, step));
            step++;
            outOfTime = pacer.OutOfTime;

            var last = step == options.Steps || outOfTime;
            var evaluate = last || (options.EvaluateEvery > 0 && step % options.EvaluateEvery == 0);
            if (!evaluate && step % Math.Max(1, options.ReportEvery) != 0)
            {
                continue;
            }
            metrics["train_loss"] = window.Average(w => w.Loss);
            metrics["train_mean_displacement"] = window.Average(w => w.Displacement);
            SortingScore? held = null;
            if (evaluate && heldOut.Count > 0)
            {
                held = Evaluate(network, heldOut, data.Settings, data.Device, sorting.Margin);
                metrics["heldout_loss"] = held.Loss;
                metrics["heldout_mean_displacement"] = held.MeanDisplacement;
                metrics["heldout_pairwise_accuracy"] = held.PairwiseAccuracy;
                network.train();
            }
            string? written = null;
            if (last || (options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0))
            {
                written = checkpoint = TrainingSession.SaveCheckpoint(network, optimizer, options, Pretexts.Sorting, data.Digest, data.Train.Count, step, metrics);
            }
            progress?.Report(new TrainingProgress(step, options.Steps, metrics["train_loss"], double.NaN, window.Count / clock.Elapsed.TotalSeconds,
                held?.Loss, CheckpointPath: written, MeanDisplacement: metrics["train_mean_displacement"],
                HeldOutMeanDisplacement: held?.MeanDisplacement, Message: outOfTime ? pacer.BudgetMessage(step) : null));
            window.Clear();
            clock.Restart();
        }
        if (checkpoint.Length == 0)
        {
            // Resumed at or beyond the requested step count: still hand back a checkpoint at this step.
            checkpoint = TrainingSession.SaveCheckpoint(network, optimizer, options, Pretexts.Sorting, data.Digest, data.Train.Count, step, metrics);
        }
        return new TrainingResult(checkpoint, Checkpoint.ReadMetadata(checkpoint), data.Train.Count, data.Held.Count);
    }

    private static (double Loss, double Displacement) TrainStep(
        ResNet network, OptimizerHelper optimizer, SortingBatch batch, TrainingVolumes data, double margin, long step)
    {
        using var scope = NewDisposeScope();
        var input = PairBatch.Build(batch.Inputs, data.Settings, data.Device);
        var ranks = tensor(batch.Ranks.Select(r => (long)r).ToArray(), device: data.Device);
        optimizer.zero_grad();
        var scores = network.forward(input).squeeze(1);
        var loss = RankingLoss.Pairwise(scores, ranks, margin);
        loss.backward();
        optimizer.step();
        var value = loss.item<float>();
        if (!float.IsFinite(value))
        {
            throw new InvalidOperationException($"training diverged at step {step + 1}: loss {value}");
        }
        return (value, SlicePositions.MeanDisplacement(scores.detach().cpu().data<float>().ToArray(), batch.Ranks));
    }

    /// <summary>Seeded batches that stay the same through a run (held-out evaluation, tests).</summary>
    public static List<SortingBatch> FixedBatches(IReadOnlyList<VolumeSample> volumes, PairPreprocessing settings, TrainingOptions options, int count)
    {
        var sampler = new SortingBatchSampler(new PreparedSlices(volumes, settings), options.BatchSize, options.EtaSpread,
            new Random(unchecked(options.Seed * 7919 + 29)));
        return Enumerable.Range(0, count).Select(_ => sampler.Next()).ToList();
    }

    /// <summary>Mean ranking loss, mean displacement and pairwise accuracy over <paramref name="batches"/>, in eval mode without gradients.</summary>
    public static SortingScore Evaluate(ResNet network, IReadOnlyList<SortingBatch> batches, PairPreprocessing settings, Device device, double margin = RankingLoss.DefaultMargin)
    {
        network.eval();
        using var _ = no_grad();
        double loss = 0, displacement = 0, random = 0, pairwise = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            var scores = network.forward(PairBatch.Build(batch.Inputs, settings, device)).squeeze(1);
            loss += RankingLoss.Pairwise(scores, tensor(batch.Ranks.Select(r => (long)r).ToArray(), device: device), margin).item<float>();
            var values = scores.cpu().data<float>().ToArray();
            displacement += SlicePositions.MeanDisplacement(values, batch.Ranks);
            pairwise += SlicePositions.PairwiseAccuracy(values, batch.Ranks);
            random += SlicePositions.RandomOrderDisplacement(batch.Ranks.Length);
        }
        return new SortingScore(loss / batches.Count, displacement / batches.Count, random / batches.Count, pairwise / batches.Count);
    }
}
