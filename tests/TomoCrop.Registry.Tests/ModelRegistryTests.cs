using Microsoft.Extensions.Time.Testing;
using TomoCrop.Models;
using TomoCrop.TestSupport;

namespace TomoCrop.Registry.Tests;

/// <summary>The registry on real files, with the shipped model (its real weights and digest).</summary>
public sealed class ModelRegistryTests : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-registry");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private readonly ModelRegistry _registry;

    public ModelRegistryTests() => _registry = new ModelRegistry(_dir.File("models"), _time);

    private static string Shipped => ModelCatalog.DefaultModelPath;

    [Fact]
    public void An_empty_registry_is_seeded_with_the_shipped_model_as_current()
    {
        Assert.Null(_registry.Current);
        var seeded = _registry.EnsureSeeded(Shipped);
        Assert.Equal("v0001", seeded.Version);
        Assert.Equal("shipped", seeded.Source);
        Assert.Equal(Checkpoint.ReadMetadata(Shipped).WeightsSha256, seeded.WeightsSha256);
        Assert.Equal("v0001", _registry.Current!.Version);
        // Seeding twice changes nothing.
        Assert.Equal("v0001", _registry.EnsureSeeded(Shipped).Version);
        Assert.Single(_registry.Versions());
        Assert.Single(_registry.History);
        // The registered copy loads as a model, its digest checked by the loader too.
        using var model = Checkpoint.Load(seeded.ModelPath, TorchSharp.torch.CPU);
        Assert.Equal(seeded.WeightsSha256, model.WeightsSha256);
    }

    [Fact]
    public void Promote_and_rollback_switch_the_current_version_and_keep_the_history()
    {
        _registry.EnsureSeeded(Shipped);
        _time.Advance(TimeSpan.FromHours(1));
        var second = _registry.Add(Shipped, "fine-tune", parent: "v0001", metrics: new Dictionary<string, double> { ["pretext_accuracy"] = 0.8 });
        Assert.Equal("v0002", second.Version);
        Assert.Equal("v0001", _registry.Current!.Version);

        _registry.Promote("v0002", "gate passed");
        Assert.Equal("v0002", _registry.Current!.Version);
        Assert.Equal(0.8, _registry.Current.Metrics["pretext_accuracy"]);

        var back = _registry.Rollback("operator");
        Assert.Equal("v0001", back.Version);
        Assert.Equal("v0001", _registry.Current!.Version);
        Assert.Equal(["v0001", "v0002", "v0001"], _registry.History.Select(h => h.Version));
        Assert.Contains("rollback from v0002", _registry.History[^1].Reason);
    }

    [Fact]
    public void A_version_whose_weights_were_altered_is_never_made_current()
    {
        _registry.EnsureSeeded(Shipped);
        var second = _registry.Add(Shipped, "import");
        var weights = Path.Combine(Path.GetDirectoryName(second.ModelPath)!, "model.weights");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);

        var refused = Assert.Throws<ModelException>(() => _registry.Promote(second.Version, "try"));
        Assert.Contains("sha256", refused.Message);
        Assert.Equal("v0001", _registry.Current!.Version);
    }

    [Fact]
    public void Rollback_needs_an_earlier_version()
    {
        _registry.EnsureSeeded(Shipped);
        Assert.Throws<ModelException>(() => _registry.Rollback("nothing before"));
    }

    [Fact]
    public void A_model_whose_weights_do_not_match_its_metadata_is_not_registered()
    {
        var copy = _dir.File("bad");
        Directory.CreateDirectory(copy);
        var metadata = Checkpoint.ReadMetadata(Shipped);
        File.Copy(Shipped, Path.Combine(copy, "m.json"));
        var weights = File.ReadAllBytes(Checkpoint.WeightsPath(Shipped, metadata));
        weights[0] ^= 0x01;
        File.WriteAllBytes(Path.Combine(copy, metadata.WeightsFile), weights);

        Assert.Throws<ModelException>(() => _registry.Add(Path.Combine(copy, "m.json"), "import"));
        Assert.Empty(_registry.Versions());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_registry.Directory));
    }

    public void Dispose() => _dir.Dispose();
}
