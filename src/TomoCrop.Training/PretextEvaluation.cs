using TomoCrop.Models;

namespace TomoCrop.Training;

/// <summary>
/// Pretext accuracy of several checkpoints on the same fixed slice pairs, so a candidate and the current model are
/// compared on equal terms (the pairs depend only on the volumes, the preprocessing and the seed).
/// </summary>
public static class PretextEvaluation
{
    public static IReadOnlyList<double> Accuracies(
        IReadOnlyList<string> modelPaths, IReadOnlyList<string> volumes, int pairs, int seed, DevicePreference device, double etaSpread = 0.2)
    {
        if (modelPaths.Count == 0 || volumes.Count == 0)
        {
            throw new ArgumentException("pretext accuracy needs at least one model and one volume");
        }
        var settings = Checkpoint.ReadMetadata(modelPaths[0]).Preprocessing;
        foreach (var path in modelPaths.Skip(1))
        {
            if (!Checkpoint.ReadMetadata(path).Preprocessing.SameAs(settings))
            {
                throw new ModelException(path, $"its preprocessing differs from {modelPaths[0]}'s; their pretext accuracies are not comparable");
            }
        }
        var samples = volumes.Select(p => Preprocess.ForPairs(TrainingData.Load(p, settings.SampleSide), settings)).ToList();
        var sampler = new RotationPairSampler(samples, settings, etaSpread, new Random(seed));
        var fixedPairs = Enumerable.Range(0, pairs).Select(_ => sampler.Next()).ToList();
        var torchDevice = TorchDevices.Select(device);
        return modelPaths.Select(path =>
        {
            using var model = Checkpoint.Load(path, torchDevice);
            return RotationTrainer.Evaluate(model.Network, fixedPairs, settings, torchDevice).Accuracy;
        }).ToList();
    }
}
