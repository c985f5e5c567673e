using TorchSharp;
using static TorchSharp.torch;

namespace TomoCrop.Models.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void A_tensor_is_created_and_computed_on_the_cpu()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = (a * 2).sum();
        Assert.Equal(12f, b.item<float>());
    }

    [Theory]
    [InlineData("compact", 64)]
    [InlineData("resnet18", 64)]
    [InlineData("resnet34", 32)]
    [InlineData("resnet50", 32)]
    public void Every_architecture_runs_a_forward_pass_on_two_channel_pairs(string name, int size)
    {
        using var scope = NewDisposeScope();
        var architecture = NetworkArchitecture.FromName(name);
        using var network = new ResNet(architecture, 7);
        network.eval();
        using var _ = no_grad();
        var input = randn(3, 2, size, size);
        var logits = network.forward(input);
        Assert.Equal(new long[] { 3, 7 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
        var embedding = network.Embed(input);
        Assert.Equal(3, embedding.shape[0]);
        Assert.Equal(architecture.EmbeddingChannels, embedding.shape[1]);
    }

    [Fact]
    public void Device_selection_follows_availability()
    {
        Assert.Equal(DeviceType.CPU, TorchDevices.Select(DevicePreference.Cpu).type);
        var hasCuda = TorchSharp.torch.cuda.is_available();
        Assert.Equal(hasCuda ? DeviceType.CUDA : DeviceType.CPU, TorchDevices.Select(DevicePreference.Auto).type);
        if (!hasCuda)
        {
            var error = Assert.Throws<InvalidOperationException>(() => TorchDevices.Select(DevicePreference.Cuda));
            Assert.Contains("CUDA is not available", error.Message);
        }
        Assert.Equal(DevicePreference.Cuda, TorchDevices.Parse("CUDA"));
        Assert.Throws<ArgumentException>(() => TorchDevices.Parse("tpu"));
    }
}
