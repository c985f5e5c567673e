using TomoCrop.Models;

namespace TomoCrop.Training;

/// <summary>
/// Held-out pretext accuracy of several checkpoints on the same fixed samples, so a candidate and the current model
/// are compared on equal terms (the samples depend only on the volumes, the preprocessing and the seed). Both pretexts
/// yield a share of right answers, higher is better: rotation the share of pairs whose angle class is right, sorting
/// the share of slice pairs put in the right order (<see cref="SortingScore.PairwiseAccuracy"/>).
/// </summary>
public static class PretextEvaluation
{
    /// <summary>Rotation: accuracy on <paramref name="pairs"/> fixed slice pairs.</summary>
    public static IReadOnlyList<double> Accuracies(
        IReadOnlyList<string> modelPaths, IReadOnlyList<string> volumes, int pairs, int seed, DevicePreference device, double etaSpread = 0.2)
    {
        var (settings, samples) = Load(modelPaths, volumes);
        var sampler = new RotationPairSampler(samples, settings, etaSpread, new Random(seed));
        var fixedPairs = Enumerable.Range(0, pairs).Select(_ => sampler.Next()).ToList();
        return Score(modelPaths, device, (model, torchDevice) => RotationTrainer.Evaluate(model.Network, fixedPairs, settings, torchDevice).Accuracy);
    }

    /// <summary>Sorting: loss, mean displacement and pairwise accuracy on <paramref name="batches"/> fixed batches of <paramref name="batchSize"/> slices.</summary>
    public static IReadOnlyList<SortingScore> SortingScores(
        IReadOnlyList<string> modelPaths, IReadOnlyList<string> volumes, int batches, int batchSize, int seed, DevicePreference device, double etaSpread = 0.2)
    {
        var (settings, samples) = Load(modelPaths, volumes);
        var sampler = new SortingBatchSampler(new PreparedSlices(samples, settings), batchSize, etaSpread, new Random(seed));
        var fixedBatches = Enumerable.Range(0, batches).Select(_ => sampler.Next()).ToList();
        return Score(modelPaths, device, (model, torchDevice) => SortingTrainer.Evaluate(model.Network, fixedBatches, settings, torchDevice));
    }

    /// <summary>The models' common preprocessing and the volumes prepared with it; models that disagree are not comparable.</summary>
    private static (PairPreprocessing Settings, List<VolumeSample> Samples) Load(IReadOnlyList<string> modelPaths, IReadOnlyList<string> volumes)
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
        return (settings, volumes.Select(p => Preprocess.ForPairs(TrainingData.Load(p, settings.SampleSide), settings)).ToList());
    }

    private static IReadOnlyList<T> Score<T>(IReadOnlyList<string> modelPaths, DevicePreference device, Func<LoadedModel, TorchSharp.torch.Device, T> score)
    {
        var torchDevice = TorchDevices.Select(device);
        return modelPaths.Select(path =>
        {
            using var model = Checkpoint.Load(path, torchDevice);
            return score(model, torchDevice);
        }).ToList();
    }
}
