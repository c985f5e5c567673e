using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TomoCrop.Daemon.FineTuning;
using TomoCrop.Daemon.Options;
using TomoCrop.Localization;
using TomoCrop.Models;
using TomoCrop.Phantoms;
using TomoCrop.Registry;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;
using static Microsoft.Extensions.Options.Options;

namespace TomoCrop.Daemon.Tests;

/// <summary>
/// Real fine-tuning cycles on the CPU: the shipped model, real phantoms in the pool's layout, the real registry.
/// Budgets are small (≤ 100 steps on 64³–96³ scans) so each cycle takes a minute or two on two cores.
/// </summary>
public sealed class FineTuningTests : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-finetune");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private StateOptions State => new() { Directory = _dir.File("state") };

    /// <summary>The product's defaults (learning rate, batch, held-out pairs) with a short cycle of the rotation model only.</summary>
    private static FineTuningOptions Budget() => new() { Enabled = true, Steps = 100, MaxMinutes = 10, Pretexts = [Pretexts.Rotation] };

    /// <summary>Writes a scan straight into the pool's training or held-out part, named as the pool names arrivals.</summary>
    internal static string AddToPool(string stateDirectory, bool heldOut, string name, Action<string> write)
    {
        var pool = new StateOptions { Directory = stateDirectory }.PoolDirectory;
        var directory = Path.Combine(pool, heldOut ? "heldout" : "train");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"20261128T0{Directory.GetFiles(directory, "*.raw").Length}0000000-recon-{name}.raw");
        write(path);
        return path;
    }

    /// <summary>A kind the shipped model never saw: cell clusters without a holder, image-space artefacts.</summary>
    internal static void NewKindScan(string path, int seed, int side = 64) => PhantomGenerator.Write(new PhantomSpec
    {
        Kind = SpecimenKind.Cells,
        Variant = PhantomVariant.NoHolder,
        Shape = new VolumeShape(side, side, side),
        Seed = seed,
        Artefacts = ArtefactOptions.Default with { Mode = ArtefactMode.Approximate },
    }, path, new VolumeWriteOptions { Format = VolumeFormat.Raw });

    internal static void NoiseScan(string path, int seed)
    {
        var shape = new VolumeShape(64, 64, 64);
        var random = new Random(seed);
        var voxels = new float[shape.VoxelCount];
        for (var i = 0; i < voxels.Length; i++)
        {
            voxels[i] = (float)random.NextDouble();
        }
        using var writer = VolumeIO.Create(path, shape, VoxelType.Float32, new VolumeWriteOptions { Format = VolumeFormat.Raw });
        writer.WriteSlices(System.Runtime.InteropServices.MemoryMarshal.AsBytes(voxels.AsSpan()), shape.Z);
        writer.Complete();
    }

    private static FineTuningOptions WithNoiseBudget(FineTuningOptions options)
    {
        options.LearningRate = 0.01;
        options.Steps = 40;
        options.BatchSize = 16;
        return options;
    }

    internal static FineTuningCycle Cycle(FineTuningOptions options, StateOptions state, TimeProvider time) =>
        new(options, state, new LocalizerSettings { Device = DevicePreference.Cpu }, new TrainingPool(Create(options), Create(state), time, NullLogger<TrainingPool>.Instance),
            time, NullLogger.Instance);

    private FineTuningCycle Cycle(FineTuningOptions options) => Cycle(options, State, _time);

    [Fact]
    public void Fine_tuning_on_scans_of_a_new_kind_raises_held_out_pretext_accuracy_and_a_promotion_can_be_rolled_back()
    {
        for (var i = 0; i < 4; i++)
        {
            AddToPool(State.Directory, heldOut: false, $"cells{i}", p => NewKindScan(p, 600 + i, 96));
        }
        for (var i = 0; i < 2; i++)
        {
            AddToPool(State.Directory, heldOut: true, $"held{i}", p => NewKindScan(p, 700 + i, 96));
        }

        var outcome = Cycle(Budget()).Run().Single();

        Console.WriteLine($"held-out pretext accuracy on the new kind: shipped {outcome.CurrentAccuracy}, fine-tuned {outcome.CandidateAccuracy}");
        Assert.NotEqual("skipped", outcome.Status);
        Assert.Equal(100, outcome.Steps);
        Assert.True(outcome.CandidateAccuracy > outcome.CurrentAccuracy + 0.02,
            $"fine-tuning did not raise held-out accuracy: {outcome.CurrentAccuracy} -> {outcome.CandidateAccuracy}");
        // The decision and its figures are on record.
        var line = JsonNode.Parse(File.ReadLines(Path.Combine(State.FineTuningDirectory, "decisions.jsonl")).Single())!;
        Assert.Equal(outcome.Status, (string?)line["status"]);
        Assert.Equal(outcome.CandidateAccuracy, (double?)line["candidate_accuracy"]);
        Assert.Equal(2, line["boxes"]!.AsArray().Count);
        // No candidate work is left behind.
        Assert.Empty(Directory.EnumerateDirectories(State.FineTuningDirectory));

        var registry = new ModelRegistry(State.ModelsDirectory, _time);
        if (outcome.Promoted)
        {
            var promoted = registry.Current!;
            Assert.Equal(outcome.CandidateVersion, promoted.Version);
            Assert.Equal("v0001", promoted.Parent);
            Assert.Equal("fine-tune", promoted.Source);
            Assert.Equal(Checkpoint.ReadMetadata(promoted.ModelPath).WeightsSha256, promoted.WeightsSha256);
            var restored = registry.Rollback("test");
            Assert.Equal("v0001", restored.Version);
            Assert.Equal(Checkpoint.ReadMetadata(ModelCatalog.DefaultModelPath).WeightsSha256, registry.Current!.WeightsSha256);
            ModelRegistry.Verify(registry.Current!);
        }
        else
        {
            // Better pretext accuracy, yet rejected: only a box that cut into the current one may be the reason.
            Assert.All(outcome.Reasons, reason => Assert.Contains("cutting into the current", reason));
            Assert.Equal("v0001", registry.Current!.Version);
        }
    }

    [Fact]
    public void A_candidate_trained_on_pure_noise_is_rejected_and_the_current_model_is_untouched()
    {
        for (var i = 0; i < 4; i++)
        {
            AddToPool(State.Directory, heldOut: false, $"noise{i}", p => NoiseScan(p, i));
        }
        for (var i = 0; i < 2; i++)
        {
            AddToPool(State.Directory, heldOut: true, $"held{i}", p => NewKindScan(p, 700 + i));
        }
        var registry = new ModelRegistry(State.ModelsDirectory, _time);
        registry.EnsureSeeded(ModelCatalog.DefaultModelPath);
        var currentBefore = File.ReadAllBytes(Path.Combine(State.ModelsDirectory, "current.json"));

        // A high learning rate on scans with nothing to learn: the candidate forgets what the model knew.
        var outcome = Cycle(WithNoiseBudget(Budget())).Run().Single();

        Console.WriteLine($"noise-trained candidate: held-out accuracy {outcome.CurrentAccuracy} -> {outcome.CandidateAccuracy}; {string.Join("; ", outcome.Reasons)}");
        Assert.Equal("rejected", outcome.Status);
        Assert.Contains(outcome.Reasons, r => r.Contains("held-out pretext accuracy"));
        Assert.Null(outcome.CandidateVersion);
        Assert.Equal(["v0001"], registry.Versions().Select(v => v.Version));
        Assert.Equal(currentBefore, File.ReadAllBytes(Path.Combine(State.ModelsDirectory, "current.json")));
        Assert.Contains("\"rejected\"", File.ReadAllText(Path.Combine(State.FineTuningDirectory, "decisions.jsonl")));
    }

    [Fact]
    public void A_pool_without_held_out_scans_skips_the_cycle_and_trains_nothing()
    {
        AddToPool(State.Directory, heldOut: false, "only", p => NewKindScan(p, 1));
        var outcome = Cycle(Budget()).Run().Single();
        Assert.Equal("skipped", outcome.Status);
        Assert.Contains("held-out", Assert.Single(outcome.Reasons));
        Assert.Equal(["v0001"], new ModelRegistry(State.ModelsDirectory, _time).Versions().Select(v => v.Version));
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

    [Fact]
    public void SIGKILL_during_fine_tuning_leaves_the_current_model_untouched_and_after_a_restart_cropping_comes_first()
    {
        using var run = new DaemonRun();
        for (var i = 0; i < 3; i++)
        {
            AddToPool(run.State, heldOut: false, $"cells{i}", p => NewKindScan(p, 800 + i));
        }
        AddToPool(run.State, heldOut: true, "held", p => NewKindScan(p, 900));
        // A cycle due every second, whatever the pool's growth, too long to finish within the test.
        string[] fineTuning = ["FineTuning:Enabled=true", "FineTuning:Interval=00:00:01", "FineTuning:MinNewScans=0", "FineTuning:Steps=1000000", "FineTuning:BatchSize=8"];
        var models = Path.Combine(run.State, "models");

        run.Start(1, null, fineTuning);
        run.WaitUntil(() => run.Log().Contains("fine-tuning: loading"), "a fine-tuning cycle under way", timeoutSeconds: 120);
        Thread.Sleep(3000); // into the training steps
        var currentBefore = File.ReadAllBytes(Path.Combine(models, "current.json"));
        var shippedSha256 = new ModelRegistry(models).Current!.WeightsSha256;
        run.Kill();

        Assert.Equal(currentBefore, File.ReadAllBytes(Path.Combine(models, "current.json")));
        Assert.Equal(["v0001"], new ModelRegistry(models).Versions().Select(v => v.Version));
        ModelRegistry.Verify(new ModelRegistry(models).Current!);
        Assert.Equal(shippedSha256, new ModelRegistry(models).Current!.WeightsSha256);
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(run.State, "finetune"), ".candidate-*"));

        // After the restart a new cycle starts (clearing the killed one's work); a volume arriving meanwhile is
        // cropped while fine-tuning waits.
        run.Start(1, null, fineTuning);
        run.WaitUntil(() => run.Log().Contains("removing the work of an interrupted fine-tuning cycle"), "the killed cycle's work removed", timeoutSeconds: 120);
        run.WaitUntil(() => Count(run.Log(), "fine-tuning: loading") >= 2, "a new cycle under way", timeoutSeconds: 120);
        Thread.Sleep(2000);
        var volume = Path.Combine(run.Watch, "during.tif");
        Specimens.Write(volume, VolumeFormat.MultiPageTiff, Specimens.SmallShape, Specimens.SmallBox);
        run.WaitUntil(() => run.Stage(volume) == "published", "the volume published while fine-tuning runs", timeoutSeconds: 120);
        run.WaitUntil(() => run.Log().Contains("fine-tuning resumed"), "fine-tuning resumed after the crop", timeoutSeconds: 60);
        Assert.Contains("fine-tuning paused: volumes are waiting to be cropped", run.Log());

        Assert.Equal(0, run.Terminate());
        Assert.Contains("fine-tuning stopped with the daemon", run.Log());
        Assert.Equal(["v0001"], new ModelRegistry(models).Versions().Select(v => v.Version));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(run.State, "finetune"), ".candidate-*"));
    }
}
