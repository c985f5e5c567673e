using TomoCrop.Models;
using TomoCrop.Phantoms;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;
using Xunit.Abstractions;

namespace TomoCrop.Training.Tests;

public class SortingTrainerTests(ITestOutputHelper output)
{
    /// <summary>A small, fast run: 32-px inputs, one libtorch thread (OpenMP spinning on a busy machine costs 5x), no intermediate checkpoints.</summary>
    private static TrainingOptions SmallRun(string input, string path, long steps) =>
        new TrainingOptions { Inputs = [input], OutputPath = path, Command = "sorting test run" } with
        {
            Steps = steps, BatchSize = 12, LearningRate = 3e-3, Seed = 7, Device = DevicePreference.Cpu, TorchThreads = 1,
            CheckpointEvery = 0, EvaluateEvery = 0, ReportEvery = 50, HeldOutFraction = 0.25,
            Preprocessing = new PairPreprocessing { InputSize = 32, SampleSide = 48 },
        };

    [Fact]
    public void A_briefly_trained_model_orders_slices_far_better_than_a_random_order()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var temp = new TempDirectory();
        // Four small embryo phantoms with fast artefacts; the seeded split holds one out.
        var manifest = PhantomSet.Generate(temp.File("phantoms"), 4, seed: 31, new PhantomSetOptions
        {
            Shapes = [new VolumeShape(48, 48, 48)],
            Kinds = [SpecimenKind.Embryo],
            Variants = [PhantomVariant.Standard],
            Artefacts = new ArtefactOptions { Mode = ArtefactMode.Approximate },
        });
        output.WriteLine($"phantoms in {clock.Elapsed.TotalSeconds:F1} s");
        var options = SmallRun(manifest, temp.File("m/sorting.json"), 300);
        var result = SortingTrainer.Run(options, SortingOptions.Default, null, CancellationToken.None);

        output.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s");
        // Score the trained network on fixed batches of its training volumes, in eval mode.
        var data = TrainingSession.Prepare(options, null);
        using var model = Checkpoint.Load(result.CheckpointPath, TorchSharp.torch.CPU);
        var batches = SortingTrainer.FixedBatches(data.Train, data.Settings, options, 30);
        var score = SortingTrainer.Evaluate(model.Network, batches, data.Settings, TorchSharp.torch.CPU);
        output.WriteLine($"mean displacement after 300 steps: {score.MeanDisplacement:F2} (train batches), " +
                         $"{result.Metadata.Metrics["heldout_mean_displacement"]:F2} (held-out); random order {score.RandomOrderDisplacement:F2}");
        Assert.True(score.MeanDisplacement < 0.6 * score.RandomOrderDisplacement,
            $"mean displacement {score.MeanDisplacement:F2} vs random {score.RandomOrderDisplacement:F2}");

        Assert.Equal(Pretexts.Sorting, result.Metadata.Pretext);
        Assert.Equal(1, model.Network.Classes);
        Assert.Contains("train_mean_displacement", result.Metadata.Metrics.Keys);
        Assert.Equal(143.0 / 36, result.Metadata.Metrics["random_order_mean_displacement"], 6);
    }

    [Fact]
    public void A_rotation_checkpoint_cannot_be_resumed_as_sorting_and_old_metadata_reads_as_rotation()
    {
        using var temp = new TempDirectory();
        SmallVolumes.Write(temp.Path, "a", new VolumeShape(20, 28, 28), 1);
        var rotation = RotationTrainer.Run(new TrainingOptions
        {
            Inputs = [temp.Path], OutputPath = temp.File("r/m.json"), Steps = 1, BatchSize = 2, Device = DevicePreference.Cpu,
            Preprocessing = new PairPreprocessing { InputSize = 16, SampleSide = 32 },
        }, null, CancellationToken.None);
        Assert.Equal(Pretexts.Rotation, rotation.Metadata.Pretext);

        var error = Assert.Throws<ModelException>(() => SortingTrainer.Run(
            SmallRun(temp.Path, temp.File("s/m.json"), 2) with { ResumeFrom = rotation.CheckpointPath, Preprocessing = new PairPreprocessing { InputSize = 16, SampleSide = 32 } },
            SortingOptions.Default, null, CancellationToken.None));
        Assert.Contains("rotation pretext", error.Message);

        // The shipped model predates the field.
        Assert.DoesNotContain("\"pretext\"", File.ReadAllText(ModelCatalog.Find(AppContext.BaseDirectory, null)));
        Assert.Equal(Pretexts.Rotation, Checkpoint.ReadMetadata(ModelCatalog.Find(AppContext.BaseDirectory, null)).Pretext);
    }

    [Fact]
    public void Fine_tuning_a_sorting_model_yields_before_every_step_and_stops_at_its_time_budget_with_a_checkpoint()
    {
        using var temp = new TempDirectory();
        SmallVolumes.Write(temp.Path, "t0", new VolumeShape(20, 28, 28), 1);
        SmallVolumes.Write(temp.Path, "t1", new VolumeShape(20, 28, 28), 2);
        var small = new PairPreprocessing { InputSize = 16, SampleSide = 32 };
        var parent = SortingTrainer.Run(SmallRun(temp.Path, temp.File("parent/m.json"), 2) with { HeldOutFraction = 0, Preprocessing = small },
            SortingOptions.Default, null, CancellationToken.None);

        var yields = 0;
        var progress = new Collect();
        var child = SortingTrainer.Run(SmallRun(temp.Path, temp.File("child/m.json"), 1_000_000) with
        {
            Preprocessing = small,
            InitialWeights = parent.CheckpointPath,
            TimeBudget = TimeSpan.FromSeconds(1),
            // Waiting here (the daemon yielding to cropping) must not count against the budget.
            BeforeStep = _ => { yields++; Thread.Sleep(yields == 1 ? 1500 : 0); },
        }, SortingOptions.Default, progress, CancellationToken.None);

        Assert.InRange(child.Metadata.Steps, 2, 999_999);
        Assert.Equal(child.Metadata.Steps, yields);
        Assert.Contains(progress.Reports, r => r.Message?.Contains("time budget") == true && r.CheckpointPath is not null);
        Assert.Contains("heldout_pairwise_accuracy", child.Metadata.Metrics.Keys);
    }
}
