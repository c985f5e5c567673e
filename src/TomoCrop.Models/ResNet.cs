using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TomoCrop.Models;

/// <summary>
/// ResNet classifier over 2-channel slice pairs (written here because torchvision's first conv is not public).
/// <see cref="Embed"/> exposes the last convolutional feature map for embedding-clustering transfer.
/// </summary>
public sealed class ResNet : Module<Tensor, Tensor>
{
    private readonly Sequential stem;
    private readonly Sequential stages;
    private readonly Linear head;

    public ResNet(NetworkArchitecture architecture, int classes) : base("ResNet")
    {
        Architecture = architecture;
        Classes = classes;
        stem = Sequential(
            ("conv", Conv2d(NetworkArchitecture.InputChannels, architecture.StemWidth, 7, stride: 2, padding: 3, bias: false)),
            ("bn", BatchNorm2d(architecture.StemWidth)),
            ("relu", ReLU(inplace: true)),
            ("pool", MaxPool2d(3, stride: 2, padding: 1)));
        var blocks = new List<(string, Module<Tensor, Tensor>)>();
        long channels = architecture.StemWidth;
        for (var stage = 0; stage < architecture.Widths.Length; stage++)
        {
            for (var b = 0; b < architecture.BlocksPerStage[stage]; b++)
            {
                var stride = stage > 0 && b == 0 ? 2 : 1;
                var width = architecture.Widths[stage];
                Module<Tensor, Tensor> block = architecture.Bottleneck
                    ? new BottleneckBlock($"s{stage}b{b}", channels, width, stride)
                    : new BasicBlock($"s{stage}b{b}", channels, width, stride);
                channels = architecture.Bottleneck ? width * 4 : width;
                blocks.Add(($"s{stage}b{b}", block));
            }
        }
        stages = Sequential(blocks);
        head = Linear(channels, classes);
        RegisterComponents();
    }

    public NetworkArchitecture Architecture { get; }

    public int Classes { get; }

    /// <summary>Last-conv-layer feature map, shape (batch, EmbeddingChannels, h, w).</summary>
    public Tensor Embed(Tensor input) => stages.forward(stem.forward(input));

    /// <summary>Class logits (batch, Classes).</summary>
    public override Tensor forward(Tensor input)
    {
        using var features = Embed(input);
        using var pooled = functional.adaptive_avg_pool2d(features, [1, 1]).flatten(1);
        return head.forward(pooled);
    }

    private sealed class BasicBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Sequential? downsample;

        public BasicBlock(string name, long input, long width, int stride) : base(name)
        {
            conv1 = Conv2d(input, width, 3, stride: stride, padding: 1, bias: false);
            bn1 = BatchNorm2d(width);
            conv2 = Conv2d(width, width, 3, padding: 1, bias: false);
            bn2 = BatchNorm2d(width);
            if (stride != 1 || input != width)
            {
                downsample = Sequential(Conv2d(input, width, 1, stride: stride, bias: false), BatchNorm2d(width));
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var a = functional.relu(bn1.forward(conv1.forward(x)));
            using var b = bn2.forward(conv2.forward(a));
            using var identity = downsample is null ? x.alias() : downsample.forward(x);
            return functional.relu(b.add_(identity));
        }
    }

    private sealed class BottleneckBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Conv2d conv3;
        private readonly BatchNorm2d bn3;
        private readonly Sequential? downsample;

        public BottleneckBlock(string name, long input, long width, int stride) : base(name)
        {
            conv1 = Conv2d(input, width, 1, bias: false);
            bn1 = BatchNorm2d(width);
            conv2 = Conv2d(width, width, 3, stride: stride, padding: 1, bias: false);
            bn2 = BatchNorm2d(width);
            conv3 = Conv2d(width, width * 4, 1, bias: false);
            bn3 = BatchNorm2d(width * 4);
            if (stride != 1 || input != width * 4)
            {
                downsample = Sequential(Conv2d(input, width * 4, 1, stride: stride, bias: false), BatchNorm2d(width * 4));
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var a = functional.relu(bn1.forward(conv1.forward(x)));
            using var b = functional.relu(bn2.forward(conv2.forward(a)));
            using var c = bn3.forward(conv3.forward(b));
            using var identity = downsample is null ? x.alias() : downsample.forward(x);
            return functional.relu(c.add_(identity));
        }
    }
}
