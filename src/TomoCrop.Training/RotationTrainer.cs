using System.Diagnostics;
using TomoCrop.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace TomoCrop.Training;

/// <summary>
/// Trains the rotation pretext task (eq. 3, NLL over softmax) with Adam and fixed seeds. Resuming restores the
/// weights, the step count and Adam's state (moments) when the checkpoint carries it; the sampler's random
/// stream restarts from seed+step, so a resumed run is reproducible but not identical to an uninterrupted one.
/// </summary>
public static class RotationTrainer
{
    public static TrainingResult Run(TrainingOptions options, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var data = TrainingSession.Prepare(options, progress);
        var (device, settings, train, held, digest) = (data.Device, data.Settings, data.Train, data.Held, data.Digest);
        using var network = TrainingSession.Start(options, data, Pretexts.Rotation, out var optimizer, out var step);

        var sampler = new RotationPairSampler(train, settings, options.EtaSpread, new Random(unchecked(options.Seed + (int)step)));
        var heldOut = held.Count == 0 ? [] : MakeHeldOut(held, settings, options);
        var metrics = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        long windowStart = step;
        double lossSum = 0, correctSum = 0;
        long windowCount = 0;
        var lastCheckpoint = "";

        var pacer = new StepPacer(options);
        var outOfTime = false;
        network.train();
        while (step < options.Steps && !outOfTime)
        {
            pacer.BeforeStep(clock, cancellationToken);
            using (var scope = NewDisposeScope())
            {
                var examples = Enumerable.Range(0, options.BatchSize).Select(_ => sampler.Next()).ToList();
                var input = PairBatch.Build(examples.Select(e => e.Pair).ToList(), settings, device);
                var labels = tensor(examples.Select(e => (long)e.Label).ToArray(), device: device);
                optimizer.zero_grad();
                var logits = network.forward(input);
                var loss = F.cross_entropy(logits, labels);
                loss.backward();
                optimizer.step();
                var lossValue = loss.item<float>();
                if (!float.IsFinite(lossValue))
                {
                    throw new InvalidOperationException($"training diverged at step {step + 1}: loss {lossValue}");
                }
                lossSum += lossValue;
                correctSum += logits.argmax(1).eq(labels).sum().item<long>() / (double)options.BatchSize;
                windowCount++;
            }
            step++;
            outOfTime = pacer.OutOfTime;

            var last = step == options.Steps || outOfTime;
            var evaluate = last || (options.EvaluateEvery > 0 && step % options.EvaluateEvery == 0);
            var report = evaluate || step % Math.Max(1, options.ReportEvery) == 0;
            if (report)
            {
                var seconds = clock.Elapsed.TotalSeconds;
                var speed = seconds > 0 ? (step - windowStart) / seconds : 0;
                var meanLoss = lossSum / windowCount;
                var meanAccuracy = correctSum / windowCount;
                metrics["train_loss"] = meanLoss;
                metrics["train_accuracy"] = meanAccuracy;
                double? heldLoss = null, heldAccuracy = null;
                if (evaluate && heldOut.Count > 0)
                {
                    (heldLoss, heldAccuracy) = Evaluate(network, heldOut, settings, device);
                    metrics["heldout_loss"] = heldLoss.Value;
                    metrics["heldout_accuracy"] = heldAccuracy.Value;
                    network.train();
                }
                string? written = null;
                if (last || (options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0))
                {
                    written = TrainingSession.SaveCheckpoint(network, optimizer, options, Pretexts.Rotation, digest, train.Count, step, metrics);
                    lastCheckpoint = written;
                }
                progress?.Report(new TrainingProgress(step, options.Steps, meanLoss, meanAccuracy, speed, heldLoss, heldAccuracy, written,
                    outOfTime ? pacer.BudgetMessage(step) : null));
                clock.Restart();
                windowStart = step;
                lossSum = correctSum = 0;
                windowCount = 0;
            }
        }
        if (lastCheckpoint.Length == 0)
        {
            // Resumed at or beyond the requested step count: still hand back a checkpoint at this step.
            lastCheckpoint = TrainingSession.SaveCheckpoint(network, optimizer, options, Pretexts.Rotation, digest, train.Count, step, metrics);
        }
        return new TrainingResult(lastCheckpoint, Checkpoint.ReadMetadata(lastCheckpoint), train.Count, held.Count);
    }

    private static List<(PairSpec Pair, int Label)> MakeHeldOut(IReadOnlyList<VolumeSample> held, PairPreprocessing settings, TrainingOptions options)
    {
        var sampler = new RotationPairSampler(held, settings, options.EtaSpread, new Random(unchecked(options.Seed * 7919 + 17)));
        return Enumerable.Range(0, options.HeldOutPairs).Select(_ => sampler.Next()).ToList();
    }

    /// <summary>Mean NLL and accuracy on the fixed held-out pairs, in eval mode without gradients.</summary>
    public static (double Loss, double Accuracy) Evaluate(
        ResNet network, IReadOnlyList<(PairSpec Pair, int Label)> pairs, PairPreprocessing settings, Device device, int batchSize = 64)
    {
        network.eval();
        using var _ = no_grad();
        double lossSum = 0;
        long correct = 0;
        for (var i = 0; i < pairs.Count; i += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = pairs.Skip(i).Take(batchSize).ToList();
            var input = PairBatch.Build(chunk.Select(c => c.Pair).ToList(), settings, device);
            var labels = tensor(chunk.Select(c => (long)c.Label).ToArray(), device: device);
            var logits = network.forward(input);
            lossSum += F.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(labels).sum().item<long>();
        }
        return (lossSum / pairs.Count, correct / (double)pairs.Count);
    }
}
