using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TomoCrop.Daemon.FineTuning;
using TomoCrop.Daemon.Options;
using TomoCrop.Daemon.Processing;
using TomoCrop.Models;
using TomoCrop.Registry;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;
using Xunit.Abstractions;
using static Microsoft.Extensions.Options.Options;

namespace TomoCrop.Daemon.Tests;

/// <summary>
/// The sorting model (the clustering localizer's trunk) through the same cycle, gate and registry mechanics as the
/// rotation model, with its own registry (STATE/models-sorting). Real training on the CPU, kept short: 64³ scans,
/// batches of 16 slices, a few dozen steps.
/// </summary>
public sealed class SortingFineTuningTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-finetune-sorting");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private StateOptions State => new() { Directory = _dir.File("state") };

    private static FineTuningOptions SortingBudget() => new() { Enabled = true, Pretexts = [Pretexts.Sorting], Steps = 60, BatchSize = 16, MaxMinutes = 10 };

    private static string ShippedSorting => Checkpoint.ReadMetadata(ModelCatalog.DefaultSortingModelPath).WeightsSha256;

    [Fact]
    public void Fine_tuning_the_sorting_model_on_a_new_kind_raises_held_out_ordering_accuracy_and_is_promoted_into_the_sorting_registry_only()
    {
        for (var i = 0; i < 4; i++)
        {
            FineTuningTests.AddToPool(State.Directory, heldOut: false, $"cells{i}", p => FineTuningTests.NewKindScan(p, 600 + i));
        }
        for (var i = 0; i < 2; i++)
        {
            FineTuningTests.AddToPool(State.Directory, heldOut: true, $"held{i}", p => FineTuningTests.NewKindScan(p, 700 + i));
        }
        var rotation = PretextRegistry.Open(State, Pretexts.Rotation, _time);
        rotation.CurrentOrSeed();
        var rotationBefore = File.ReadAllBytes(Path.Combine(State.ModelsDirectory, "current.json"));

        var outcome = FineTuningTests.Cycle(SortingBudget(), State, _time).Run().Single();

        output.WriteLine($"held-out pairwise ordering accuracy on the new kind: shipped {outcome.CurrentAccuracy}, fine-tuned {outcome.CandidateAccuracy}; " +
                         $"mean displacement {outcome.Figures["current_mean_displacement"]} -> {outcome.Figures["candidate_mean_displacement"]} " +
                         $"(random {outcome.Figures["random_order_mean_displacement"]}); {outcome.Seconds} s; {string.Join("; ", outcome.Reasons)}");
        Assert.Equal(Pretexts.Sorting, outcome.Pretext);
        Assert.Equal(HeldOutAccuracy.PairwiseOrderAccuracy, outcome.Metric);
        Assert.Equal(60, outcome.Steps);
        Assert.True(outcome.CandidateAccuracy > outcome.CurrentAccuracy + 0.01,
            $"fine-tuning did not raise held-out ordering accuracy: {outcome.CurrentAccuracy} -> {outcome.CandidateAccuracy}");
        Assert.True(outcome.Figures["candidate_mean_displacement"] < outcome.Figures["current_mean_displacement"]);
        Assert.Equal("promoted", outcome.Status);

        var sorting = new ModelRegistry(State.SortingModelsDirectory, _time);
        var promoted = sorting.Current!;
        Assert.Equal(outcome.CandidateVersion, promoted.Version);
        Assert.Equal("v0001", promoted.Parent);
        Assert.Equal(Pretexts.Sorting, Checkpoint.ReadMetadata(promoted.ModelPath).Pretext);
        Assert.Equal(outcome.CandidateAccuracy!.Value, promoted.Metrics["gate_heldout_accuracy"], 4);
        // The decision is on record with its pretext and the clustering boxes; the rotation registry did not move.
        var line = JsonNode.Parse(File.ReadLines(Path.Combine(State.FineTuningDirectory, "decisions.jsonl")).Single())!;
        Assert.Equal("sorting", (string?)line["pretext"]);
        Assert.Equal(2, line["boxes"]!.AsArray().Count);
        Assert.Equal(rotationBefore, File.ReadAllBytes(Path.Combine(State.ModelsDirectory, "current.json")));
        Assert.Equal(["v0001"], rotation.Registry.Versions().Select(v => v.Version));
        Assert.Empty(Directory.EnumerateDirectories(State.FineTuningDirectory));
    }

    [Fact]
    public void A_sorting_candidate_trained_on_pure_noise_is_rejected_by_the_sorting_gate()
    {
        for (var i = 0; i < 4; i++)
        {
            FineTuningTests.AddToPool(State.Directory, heldOut: false, $"noise{i}", p => FineTuningTests.NoiseScan(p, i));
        }
        for (var i = 0; i < 2; i++)
        {
            FineTuningTests.AddToPool(State.Directory, heldOut: true, $"held{i}", p => FineTuningTests.NewKindScan(p, 700 + i));
        }
        PretextRegistry.Open(State, Pretexts.Sorting, _time).CurrentOrSeed();
        var currentBefore = File.ReadAllBytes(Path.Combine(State.SortingModelsDirectory, "current.json"));

        // A high learning rate on scans whose slice order carries nothing: the candidate forgets what the model knew.
        var options = SortingBudget();
        options.LearningRate = 0.01;
        options.Steps = 40;
        var outcome = FineTuningTests.Cycle(options, State, _time).Run().Single();

        output.WriteLine($"noise-trained sorting candidate: held-out ordering accuracy {outcome.CurrentAccuracy} -> {outcome.CandidateAccuracy}; " +
                         $"mean displacement {outcome.Figures["current_mean_displacement"]} -> {outcome.Figures["candidate_mean_displacement"]}; {outcome.Seconds} s; {string.Join("; ", outcome.Reasons)}");
        Assert.Equal("rejected", outcome.Status);
        Assert.Contains(outcome.Reasons, r => r.Contains("held-out pretext accuracy"));
        Assert.Null(outcome.CandidateVersion);
        Assert.Equal(["v0001"], new ModelRegistry(State.SortingModelsDirectory).Versions().Select(v => v.Version));
        Assert.Equal(currentBefore, File.ReadAllBytes(Path.Combine(State.SortingModelsDirectory, "current.json")));
        Assert.False(Directory.Exists(State.ModelsDirectory), "a sorting-only cycle touched the rotation registry");
    }

    [Fact]
    public void The_clustering_localizer_without_a_model_path_uses_the_sorting_registry_picks_up_a_promotion_live_and_rollback_restores_the_shipped_model()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Localizer:Method"] = "clustering",
            ["Localizer:Device"] = "cpu",
        }).Build();
        using var worker = new LocalizerWorker(configuration, Create(State), NullLogger<LocalizerWorker>.Instance);
        Assert.Equal(Pretexts.Sorting, worker.RegistryPretext);

        var loaded = worker.Load();
        Assert.Equal("v0001", worker.ModelVersion);
        Assert.Equal(ShippedSorting, loaded.ModelSha256);
        Assert.False(Directory.Exists(State.ModelsDirectory), "the clustering localizer seeded the rotation registry");

        // A second version (a copy of the shipped model, as an operator would import one) promoted while running.
        var sorting = PretextRegistry.Open(State, Pretexts.Sorting, _time);
        var added = sorting.Add(ModelCatalog.DefaultSortingModelPath, "import", "v0001");
        sorting.Registry.Promote(added.Version, "test");
        var volume = _dir.File("scan.raw");
        Specimens.Write(volume, VolumeFormat.Raw, Specimens.SmallShape, Specimens.SmallBox);
        using (var reader = VolumeIO.Open(volume))
        {
            var (result, version) = worker.LocalizeAsync(reader, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Equal("v0002", version);
            Assert.Equal("clustering", result.Method);
        }
        Assert.Equal("v0002", worker.ModelVersion);

        // Rollback re-checks the weights' sha256; a rotation model is refused by the sorting registry.
        var restored = sorting.Registry.Rollback("test");
        Assert.Equal("v0001", restored.Version);
        ModelRegistry.Verify(restored);
        Assert.Equal(ShippedSorting, sorting.Registry.Current!.WeightsSha256);
        File.WriteAllBytes(Path.Combine(State.SortingModelsDirectory, "v0002", "model.weights"), [1, 2, 3]);
        Assert.Throws<ModelException>(() => sorting.Registry.Promote("v0002", "corrupt"));
        Assert.Contains("sorting models only", Assert.Throws<ModelException>(() => sorting.Add(ModelCatalog.DefaultModelPath, "import")).Message);
    }
}
