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
        options.Preprocessing.Validate();
        var architecture = NetworkArchitecture.FromName(options.Architecture);
        var device = TorchDevices.Select(options.Device);
        var settings = options.Preprocessing;

        if (options.TorchThreads > 0)
        {
            torch.set_num_threads(options.TorchThreads);
        }
        if (options.ResumeFrom is not null && options.InitialWeights is not null)
        {
            throw new ArgumentException("resume and initial weights exclude each other");
        }
        var (trainPaths, heldPaths) = Split(options);
        progress?.Report(new TrainingProgress(0, options.Steps, double.NaN, double.NaN, 0,
            Message: $"loading {trainPaths.Count} training and {heldPaths.Count} held-out volumes (subsample side {settings.SampleSide})"));
        var trainRaw = trainPaths.Select(p => TrainingData.Load(p, settings.SampleSide)).ToList();
        var digest = TrainingData.Digest(trainRaw);
        var train = trainRaw.Select(s => Preprocess.ForPairs(s, settings)).ToList();
        trainRaw.Clear();
        var held = heldPaths.Select(p => Preprocess.ForPairs(TrainingData.Load(p, settings.SampleSide), settings)).ToList();

        torch.manual_seed(options.Seed);
        using var network = new ResNet(architecture, settings.AnglesDegrees.Length);
        long step = 0;
        CheckpointMetadata? resumed = null;
        if (options.ResumeFrom is not null)
        {
            resumed = Checkpoint.ReadMetadata(options.ResumeFrom);
            using (var loaded = Checkpoint.Load(options.ResumeFrom, CPU))
            {
                if (loaded.Metadata.Architecture != architecture.Name)
                {
                    throw new ModelException(options.ResumeFrom, $"checkpoint is {loaded.Metadata.Architecture}, options ask for {architecture.Name}");
                }
                network.load_state_dict(loaded.Network.state_dict());
            }
            step = resumed.Steps;
        }
        else if (options.InitialWeights is not null)
        {
            using var parent = Checkpoint.Load(options.InitialWeights, CPU);
            if (parent.Metadata.Architecture != architecture.Name || !parent.Metadata.Preprocessing.SameAs(settings))
            {
                throw new ModelException(options.InitialWeights, $"checkpoint is {parent.Metadata.Architecture} with its own preprocessing; fine-tuning needs the same architecture and preprocessing");
            }
            network.load_state_dict(parent.Network.state_dict());
        }
        network.to(device);
        var optimizer = optim.Adam(network.parameters(), options.LearningRate);
        if (resumed?.OptimizerFile is { } optimizerFile)
        {
            optimizer.load_state_dict(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.ResumeFrom!))!, optimizerFile));
        }

        var sampler = new RotationPairSampler(train, settings, options.EtaSpread, new Random(unchecked(options.Seed + (int)step)));
        var heldOut = held.Count == 0 ? [] : MakeHeldOut(held, settings, options);
        var metrics = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        long windowStart = step;
        double lossSum = 0, correctSum = 0;
        long windowCount = 0;
        var lastCheckpoint = "";

        var budget = Stopwatch.StartNew();
        var outOfTime = false;
        network.train();
        while (step < options.Steps && !outOfTime)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.BeforeStep is { } beforeStep)
            {
                budget.Stop();
                clock.Stop();
                beforeStep(cancellationToken);
                budget.Start();
                clock.Start();
            }
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
            outOfTime = options.TimeBudget is { } limit && budget.Elapsed >= limit;

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
                    written = SaveCheckpoint(network, optimizer, options, digest, train.Count, step, metrics);
                    lastCheckpoint = written;
                }
                progress?.Report(new TrainingProgress(step, options.Steps, meanLoss, meanAccuracy, speed, heldLoss, heldAccuracy, written,
                    outOfTime ? $"time budget of {options.TimeBudget!.Value.TotalSeconds:0} s reached at step {step}" : null));
                clock.Restart();
                windowStart = step;
                lossSum = correctSum = 0;
                windowCount = 0;
            }
        }
        if (lastCheckpoint.Length == 0)
        {
            // Resumed at or beyond the requested step count: still hand back a checkpoint at this step.
            lastCheckpoint = SaveCheckpoint(network, optimizer, options, digest, train.Count, step, metrics);
        }
        return new TrainingResult(lastCheckpoint, Checkpoint.ReadMetadata(lastCheckpoint), train.Count, held.Count);
    }

    /// <summary>Training and held-out volume paths: the explicit held-out list, or a seeded (reproducible) split.</summary>
    private static (List<string> Train, List<string> HeldOut) Split(TrainingOptions options)
    {
        var paths = TrainingData.ResolveInputs(options.Inputs);
        if (paths.Count == 0)
        {
            throw new ArgumentException("no training volumes found in the inputs");
        }
        List<string> train, held;
        if (options.HeldOutInputs is { } explicitHeld)
        {
            held = TrainingData.ResolveInputs(explicitHeld).ToList();
            train = paths.Except(held, StringComparer.Ordinal).ToList();
        }
        else
        {
            var order = paths.ToList();
            new Random(options.Seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(order));
            var heldCount = paths.Count < 2 || options.HeldOutFraction <= 0 ? 0 : Math.Max(1, (int)Math.Round(paths.Count * options.HeldOutFraction));
            held = order.Take(heldCount).Order(StringComparer.Ordinal).ToList();
            train = order.Skip(heldCount).Order(StringComparer.Ordinal).ToList();
        }
        if (train.Count + held.Count > options.MaxVolumes)
        {
            throw new ArgumentException($"{train.Count + held.Count} training and held-out volumes exceed the in-memory bound of {options.MaxVolumes} (MaxVolumes)");
        }
        return (train, held);
    }

    private static string SaveCheckpoint(
        ResNet network, TorchSharp.Modules.OptimizerHelper optimizer, TrainingOptions options, string digest, int volumes, long step,
        Dictionary<string, double> metrics)
    {
        var metadata = new CheckpointMetadata
        {
            Preprocessing = options.Preprocessing,
            TrainingDataDigest = digest,
            TrainingVolumes = volumes,
            Seed = options.Seed,
            Steps = step,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            Metrics = new Dictionary<string, double>(metrics),
            Command = options.Command,
            CreatedUtc = DateTime.UtcNow,
        };
        Checkpoint.Save(network, options.OutputPath, metadata, optimizer);
        return Path.GetFullPath(options.OutputPath);
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
