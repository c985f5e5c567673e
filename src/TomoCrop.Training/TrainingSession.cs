using TomoCrop.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TomoCrop.Training;

/// <summary>What every pretext trainer starts from: validated settings, the device, and the seeded train/held-out split loaded as preprocessed subsamples.</summary>
public sealed record TrainingVolumes(
    NetworkArchitecture Architecture,
    Device Device,
    PairPreprocessing Settings,
    List<VolumeSample> Train,
    List<VolumeSample> Held,
    string Digest);

/// <summary>
/// The parts the pretext trainers share, so rotation and sorting load data, start or resume a network and write
/// checkpoints the same way; only the sampling, the loss and the metrics differ.
/// </summary>
public static class TrainingSession
{
    public static TrainingVolumes Prepare(TrainingOptions options, IProgress<TrainingProgress>? progress)
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
        return new TrainingVolumes(architecture, device, settings, train, held, digest);
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

    /// <summary>
    /// A fresh network (seeded), the one in <see cref="TrainingOptions.ResumeFrom"/> — which must have the same
    /// architecture and pretext — or <see cref="TrainingOptions.InitialWeights"/>' weights at step 0, on the device,
    /// with Adam (its state restored when resuming a checkpoint that carries it).
    /// </summary>
    public static ResNet Start(TrainingOptions options, TrainingVolumes data, string pretext, out OptimizerHelper optimizer, out long step)
    {
        torch.manual_seed(options.Seed);
        var network = new ResNet(data.Architecture, Pretexts.HeadOutputs(pretext, data.Settings));
        step = 0;
        CheckpointMetadata? resumed = null;
        if (options.ResumeFrom is not null)
        {
            resumed = Checkpoint.ReadMetadata(options.ResumeFrom);
            if (resumed.Pretext != pretext)
            {
                throw new ModelException(options.ResumeFrom, $"checkpoint was trained on the {resumed.Pretext} pretext, this run is {pretext}");
            }
            using (var loaded = Checkpoint.Load(options.ResumeFrom, CPU))
            {
                if (loaded.Metadata.Architecture != data.Architecture.Name)
                {
                    throw new ModelException(options.ResumeFrom, $"checkpoint is {loaded.Metadata.Architecture}, options ask for {data.Architecture.Name}");
                }
                network.load_state_dict(loaded.Network.state_dict());
            }
            step = resumed.Steps;
        }
        else if (options.InitialWeights is not null)
        {
            // Fine-tuning: the parent's weights, a fresh optimizer, step 0.
            using var parent = Checkpoint.Load(options.InitialWeights, CPU);
            if (parent.Metadata.Pretext != pretext || parent.Metadata.Architecture != data.Architecture.Name || !parent.Metadata.Preprocessing.SameAs(data.Settings))
            {
                throw new ModelException(options.InitialWeights,
                    $"checkpoint is a {parent.Metadata.Pretext} {parent.Metadata.Architecture} model with its own preprocessing; fine-tuning needs the same pretext, architecture and preprocessing");
            }
            network.load_state_dict(parent.Network.state_dict());
        }
        network.to(data.Device);
        optimizer = optim.Adam(network.parameters(), options.LearningRate);
        if (resumed?.OptimizerFile is { } optimizerFile)
        {
            optimizer.load_state_dict(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.ResumeFrom!))!, optimizerFile));
        }
        return network;
    }

    /// <summary>Writes the checkpoint (weights, Adam state, metadata naming the pretext) and returns its full metadata path.</summary>
    public static string SaveCheckpoint(
        ResNet network, OptimizerHelper optimizer, TrainingOptions options, string pretext, string digest, int volumes, long step,
        Dictionary<string, double> metrics)
    {
        var metadata = new CheckpointMetadata
        {
            Pretext = pretext,
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
}
