using TorchSharp;
using static TorchSharp.torch;

namespace TomoCrop.Localization.Clustering;

/// <summary>
/// The paper's "linear classifier trained on the clusterisation results": logistic regression on superpixel
/// embeddings (as standardized by <see cref="SuperpixelFeatures"/>), fitted with TorchSharp (full-batch Adam on the
/// class-balanced logistic loss, so a small object class is not ignored), for labelling new volumes without DBSCAN.
/// </summary>
public sealed class LinearProbe
{
    private LinearProbe(float[] weights, float bias)
    {
        Weights = weights;
        Bias = bias;
    }

    public float[] Weights { get; }
    public float Bias { get; }

    public static LinearProbe Fit(IReadOnlyList<float[]> features, IReadOnlyList<bool> isObject, int epochs = 300, double learningRate = 0.05, int seed = 1)
    {
        if (features.Count == 0 || features.Count != isObject.Count)
        {
            throw new ArgumentException("features and labels must be non-empty and of the same length");
        }
        var dimension = features[0].Length;
        using var scope = NewDisposeScope();
        torch.manual_seed(seed);
        var x = tensor(features.SelectMany(f => f).ToArray()).reshape(features.Count, dimension);
        var y = tensor(isObject.Select(o => o ? 1f : 0f).ToArray());
        var positives = Math.Max(1, isObject.Count(o => o));
        var negatives = Math.Max(1, isObject.Count - positives);
        var weight = new TorchSharp.Modules.Parameter(zeros(dimension));
        var bias = new TorchSharp.Modules.Parameter(zeros(1));
        var optimizer = optim.Adam([weight, bias], learningRate);
        var balance = tensor((float)negatives / positives);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            using var step = NewDisposeScope();
            optimizer.zero_grad();
            var logits = x.matmul(weight) + bias;
            // −log σ(z) = softplus(−z), −log(1 − σ(z)) = softplus(z); object terms weighted by negatives ÷ positives.
            var loss = (balance * y * nn.functional.softplus(-logits) + (1 - y) * nn.functional.softplus(logits)).mean();
            loss.backward();
            optimizer.step();
        }
        return new LinearProbe(weight.detach().data<float>().ToArray(), bias.detach().item<float>());
    }

    /// <summary>P(object) per superpixel.</summary>
    public float[] Predict(IReadOnlyList<float[]> features) => features.Select(f =>
    {
        double z = Bias;
        for (var k = 0; k < f.Length; k++)
        {
            z += Weights[k] * f[k];
        }
        return (float)(1 / (1 + Math.Exp(-z)));
    }).ToArray();
}
