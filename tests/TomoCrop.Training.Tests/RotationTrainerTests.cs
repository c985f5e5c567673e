using System.Text.Json;
using TomoCrop.Models;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Training.Tests;

public class RotationTrainerTests
{
    private static TrainingOptions SmallRun(string input, string output, long steps) => new()
    {
        Inputs = [input],
        OutputPath = output,
        Steps = steps,
        BatchSize = 4,
        Seed = 3,
        Device = DevicePreference.Cpu,
        CheckpointEvery = 2,
        EvaluateEvery = 2,
        ReportEvery = 1,
        HeldOutPairs = 14,
        Preprocessing = new PairPreprocessing { InputSize = 16, SampleSide = 32 },
        Command = "test run",
    };

    [Fact]
    public void A_few_steps_give_finite_losses_and_a_checkpoint_with_metadata()
    {
        using var temp = new TempDirectory();
        for (var i = 0; i < 3; i++)
        {
            SmallVolumes.Write(temp.Path, $"v{i}", new VolumeShape(24, 32, 30), i);
        }
        var output = temp.File("out/model.json");
        var progress = new Collect();
        var result = RotationTrainer.Run(SmallRun(temp.Path, output, 4), progress, CancellationToken.None);

        Assert.Equal(2, result.TrainingVolumes);
        Assert.Equal(1, result.HeldOutVolumes);
        var steps = progress.Reports.Where(r => r.Step > 0).ToList();
        Assert.Equal([1, 2, 3, 4], steps.Select(r => r.Step));
        Assert.All(steps, r => Assert.True(double.IsFinite(r.Loss) && r.Loss > 0));
        Assert.All(steps.Where(r => r.Step % 2 == 0), r => Assert.InRange(r.HeldOutAccuracy!.Value, 0, 1));
        Assert.Equal(2, steps.Count(r => r.CheckpointPath is not null));

        var metadata = Checkpoint.ReadMetadata(output);
        Assert.Equal(4, metadata.Steps);
        Assert.Equal(3, metadata.Seed);
        Assert.Equal("compact", metadata.Architecture);
        Assert.Equal(64, metadata.TrainingDataDigest.Length);
        Assert.Equal(Checkpoint.Sha256(temp.File("out/model.weights")), metadata.WeightsSha256);
        Assert.Contains("heldout_accuracy", metadata.Metrics.Keys);
        Assert.Equal(16, metadata.Preprocessing.InputSize);
        Assert.Equal(7, metadata.Preprocessing.AnglesDegrees.Length);
        Assert.True(File.Exists(temp.File("out/model.optimizer")));
        using var document = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal("test run", document.RootElement.GetProperty("command").GetString());
    }

    [Fact]
    public void The_same_seed_trains_the_same_weights_and_resume_continues_the_step_count()
    {
        using var temp = new TempDirectory();
        var shape = new VolumeShape(20, 28, 28);
        var data = Directory.CreateDirectory(temp.File("data")).FullName;
        var cases = Enumerable.Range(0, 2).Select(i => new { path = Path.GetFileName(SmallVolumes.Write(data, $"c{i}", shape, 10 + i)) }).ToList();
        var manifest = Path.Combine(data, "manifest.json");
        File.WriteAllText(manifest, JsonSerializer.Serialize(new { cases }));

        var first = RotationTrainer.Run(SmallRun(manifest, temp.File("a/m.json"), 2), null, CancellationToken.None);
        var second = RotationTrainer.Run(SmallRun(manifest, temp.File("b/m.json"), 2), null, CancellationToken.None);
        Assert.Equal(first.Metadata.WeightsSha256, second.Metadata.WeightsSha256);
        Assert.Equal(first.Metadata.TrainingDataDigest, second.Metadata.TrainingDataDigest);

        var resumed = RotationTrainer.Run(
            SmallRun(manifest, temp.File("c/m.json"), 4) with { ResumeFrom = temp.File("a/m.json") }, null, CancellationToken.None);
        Assert.Equal(4, resumed.Metadata.Steps);
        Assert.NotEqual(first.Metadata.WeightsSha256, resumed.Metadata.WeightsSha256);
        using var model = Checkpoint.Load(temp.File("c/m.json"), TorchSharp.torch.CPU);
        Assert.Equal(4, model.Metadata.Steps);
    }

    [Fact]
    public void Inputs_resolve_from_directories_and_manifests_and_missing_ones_are_named()
    {
        using var temp = new TempDirectory();
        var a = SmallVolumes.Write(temp.Path, "a", new VolumeShape(4, 8, 8), 1);
        var b = SmallVolumes.Write(temp.Path, "b", new VolumeShape(4, 8, 8), 2);
        Assert.Equal([a, b], TrainingData.ResolveInputs([temp.Path]));
        File.WriteAllText(temp.File("list.json"), "{\"cases\": [{\"path\": \"b.raw\", \"kind\": \"specimen\"}]}");
        Assert.Equal([b], TrainingData.ResolveInputs([temp.File("list.json")]));
        var error = Assert.Throws<VolumeException>(() => TrainingData.ResolveInputs([temp.File("nope")]));
        Assert.Contains("nope", error.Message);
    }

    [Fact]
    public void Fine_tuning_starts_from_the_parent_weights_at_step_zero_and_stops_at_its_time_budget_with_a_checkpoint()
    {
        using var temp = new TempDirectory();
        var train = Directory.CreateDirectory(temp.File("train")).FullName;
        var held = Directory.CreateDirectory(temp.File("held")).FullName;
        SmallVolumes.Write(train, "t0", new VolumeShape(20, 28, 28), 1);
        SmallVolumes.Write(train, "t1", new VolumeShape(20, 28, 28), 2);
        var heldVolume = SmallVolumes.Write(held, "h0", new VolumeShape(20, 28, 28), 3);
        var parent = RotationTrainer.Run(SmallRun(train, temp.File("parent/m.json"), 3) with { HeldOutFraction = 0 }, null, CancellationToken.None);
        Assert.Equal(2, parent.TrainingVolumes);
        Assert.Equal(0, parent.HeldOutVolumes);

        // Zero steps: the child is its parent's weights, re-saved.
        var copy = RotationTrainer.Run(SmallRun(train, temp.File("copy/m.json"), 0) with { InitialWeights = temp.File("parent/m.json") }, null, CancellationToken.None);
        using (var a = Checkpoint.Load(temp.File("parent/m.json"), TorchSharp.torch.CPU))
        using (var b = Checkpoint.Load(temp.File("copy/m.json"), TorchSharp.torch.CPU))
        {
            var pa = a.Network.parameters().ToList();
            var pb = b.Network.parameters().ToList();
            Assert.All(pa.Zip(pb), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        }

        var progress = new Collect();
        var child = RotationTrainer.Run(SmallRun(train, temp.File("child/m.json"), 1_000_000) with
        {
            InitialWeights = temp.File("parent/m.json"),
            HeldOutInputs = [heldVolume],
            TimeBudget = TimeSpan.FromSeconds(1),
        }, progress, CancellationToken.None);
        Assert.InRange(child.Metadata.Steps, 1, 999_999);
        Assert.Equal(1, child.HeldOutVolumes);
        Assert.Contains(progress.Reports, r => r.Message?.Contains("time budget") == true && r.CheckpointPath is not null);
        Assert.Contains("heldout_accuracy", child.Metadata.Metrics.Keys);

        var mismatch = SmallRun(train, temp.File("bad/m.json"), 1) with
        {
            InitialWeights = temp.File("parent/m.json"),
            Preprocessing = new PairPreprocessing { InputSize = 32, SampleSide = 32 },
        };
        Assert.Throws<ModelException>(() => RotationTrainer.Run(mismatch, null, CancellationToken.None));
    }
}
