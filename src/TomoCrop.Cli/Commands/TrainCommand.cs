using System.CommandLine;
using TomoCrop.Localization;
using TomoCrop.Models;
using TomoCrop.Training;

namespace TomoCrop.Cli.Commands;

/// <summary>`tomocrop train INPUT... -o MODEL.json [--pretext rotation|sorting]`: a pretext task, self-supervised, no labels.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("INPUT") { Description = "volumes, directories of volumes, or phantom manifests", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "checkpoint metadata path (NAME.json; NAME.weights beside it)", Required = true };
        var steps = new Option<long>("--steps") { Description = "optimizer steps", DefaultValueFactory = _ => 1200 };
        var batch = new Option<int>("--batch") { Description = "pairs per step", DefaultValueFactory = _ => 32 };
        var rate = new Option<double>("--learning-rate") { Description = "Adam learning rate", DefaultValueFactory = _ => 1e-3 };
        var seed = new Option<int>("--seed") { Description = "seed for weights, sampling and the held-out split", DefaultValueFactory = _ => 1 };
        var architecture = new Option<string>("--architecture") { Description = "compact, resnet18, resnet34 or resnet50", DefaultValueFactory = _ => NetworkArchitecture.Compact.Name };
        var resume = new Option<string?>("--resume") { Description = "continue from this checkpoint (weights, step count, optimizer state)" };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0 = libtorch's default)", DefaultValueFactory = _ => 0 };
        var device = LocalizerChoice.Device();
        var pretext = new Option<string>("--pretext") { Description = "rotation (eq. 3, the default) or sorting (eqs. 1-2: slice order by a ranking loss; --batch is bs)", DefaultValueFactory = _ => Pretexts.Rotation };
        var margin = new Option<double>("--margin") { Description = "sorting: margin m of the ranking loss", DefaultValueFactory = _ => RankingLoss.DefaultMargin };
        var command = new Command("train", "Train a model on volumes, self-supervised (rotation: paper eq. 3; sorting: eqs. 1-2); progress, checkpoints, resume.")
        {
            inputs, output, steps, batch, rate, seed, architecture, resume, threads, device, pretext, margin,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new TrainingOptions
            {
                Inputs = parse.GetValue(inputs)!,
                OutputPath = parse.GetValue(output)!,
                Steps = parse.GetValue(steps),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(rate),
                Seed = parse.GetValue(seed),
                Architecture = parse.GetValue(architecture)!,
                ResumeFrom = parse.GetValue(resume),
                TorchThreads = parse.GetValue(threads),
                Device = LocalizerSettings.ParseDevice(parse.GetValue(device)!),
                Command = "tomocrop " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };
            var progress = new SynchronousProgress<TrainingProgress>(p => Console.WriteLine(
                $"step {p.Step,6}/{p.TotalSteps}  loss {p.Loss:0.000}"
                + (p.MeanDisplacement is { } d ? $"  mean displacement {d:0.00}" : $"  acc {p.TrainAccuracy:0.00}")
                + $"  {p.StepsPerSecond:0.0} steps/s"
                + (p.HeldOutAccuracy is { } a ? $"  held-out loss {p.HeldOutLoss:0.000} acc {a:0.00}" : "")
                + (p.HeldOutMeanDisplacement is { } h ? $"  held-out loss {p.HeldOutLoss:0.000} mean displacement {h:0.00} (random order {SlicePositions.RandomOrderDisplacement(options.BatchSize):0.00})" : "")
                + (p.CheckpointPath is { } c ? $"  checkpoint {c}" : "")
                + (p.Message is { } m ? "  " + m : "")));
            var result = PretextTrainer.Run(parse.GetValue(pretext)!, options, SortingOptions.Default with { Margin = parse.GetValue(margin) }, progress, cancellationToken);
            Console.WriteLine($"model     {result.CheckpointPath} sha256 {result.Metadata.WeightsSha256} ({result.TrainingVolumes} training, {result.HeldOutVolumes} held-out volumes)");
            return Task.FromResult(CliErrors.Ok);
        });
        return command;
    }
}

/// <summary>IProgress that reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
