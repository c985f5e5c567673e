using TomoCrop.TestSupport;
using static TorchSharp.torch;

namespace TomoCrop.Models.Tests;

public class CheckpointTests
{
    [Fact]
    public void Saved_weights_load_back_bit_for_bit_with_metadata_and_digest()
    {
        using var temp = new TempDirectory();
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var network = new ResNet(NetworkArchitecture.Compact, 7);
        network.eval();
        var metadataPath = temp.File("model.json");
        var saved = Checkpoint.Save(network, metadataPath, new CheckpointMetadata { Seed = 5, Steps = 12, TrainingDataDigest = "abc" });
        Assert.Equal(Checkpoint.Sha256(temp.File("model.weights")), saved.WeightsSha256);
        Assert.Equal(64, saved.WeightsSha256.Length);

        using var loaded = Checkpoint.Load(metadataPath, CPU);
        Assert.Equal("compact", loaded.Metadata.Architecture);
        Assert.Equal(12, loaded.Metadata.Steps);
        Assert.Equal(saved.WeightsSha256, loaded.WeightsSha256);
        var input = randn(2, 2, 64, 64);
        using var _ = no_grad();
        Assert.True(network.forward(input).eq(loaded.Network.forward(input)).all().item<bool>());
    }

    [Fact]
    public void A_changed_weights_file_is_refused_with_a_clear_message()
    {
        using var temp = new TempDirectory();
        using var network = new ResNet(NetworkArchitecture.Compact, 7);
        var metadataPath = temp.File("model.json");
        Checkpoint.Save(network, metadataPath, new CheckpointMetadata());
        var weights = temp.File("model.weights");
        var bytes = File.ReadAllBytes(weights);
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(weights, bytes);
        var error = Assert.Throws<ModelException>(() => Checkpoint.Load(metadataPath, CPU));
        Assert.Contains("sha256", error.Message);
        Assert.Contains("model.weights", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Metadata_that_is_not_a_model_is_refused()
    {
        using var temp = new TempDirectory();
        var path = temp.File("x.json");
        File.WriteAllText(path, "{\"format\": \"something else\"}");
        Assert.Throws<ModelException>(() => Checkpoint.Load(path, CPU));
        File.WriteAllText(path, "not json");
        Assert.Throws<ModelException>(() => Checkpoint.Load(path, CPU));
    }
}
