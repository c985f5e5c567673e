using TomoCrop.Daemon.Options;
using TomoCrop.Models;
using TomoCrop.Training;

namespace TomoCrop.Daemon.FineTuning;

/// <summary>
/// Both models' held-out pretext accuracy on the same fixed samples (a share, higher is better, so the gate's
/// "not worse by more than the margin" reads the same for every pretext), named, with any further figures.
/// </summary>
public sealed record HeldOutAccuracy(string Metric, double Current, double Candidate, IReadOnlyDictionary<string, double> Figures)
{
    public const string AngleAccuracy = "angle_accuracy";
    public const string PairwiseOrderAccuracy = "pairwise_order_accuracy";

    /// <summary>
    /// Rotation: angle-class accuracy on <see cref="FineTuningOptions.HeldOutPairs"/> fixed pairs. Sorting: pairwise
    /// ordering accuracy on <see cref="FineTuningOptions.HeldOutSortingBatches"/> fixed batches, with the mean
    /// displacement of each model beside it (the trainer's control metric, lower is better; for the record only).
    /// </summary>
    public static HeldOutAccuracy Measure(string pretext, FineTuningOptions options, string currentModel, string candidateModel, IReadOnlyList<string> heldOut, DevicePreference device)
    {
        if (Pretexts.Normalise(pretext) == Pretexts.Rotation)
        {
            var accuracies = PretextEvaluation.Accuracies([currentModel, candidateModel], heldOut, options.HeldOutPairs, options.Seed, device);
            return new HeldOutAccuracy(AngleAccuracy, accuracies[0], accuracies[1], new Dictionary<string, double>());
        }
        var scores = PretextEvaluation.SortingScores([currentModel, candidateModel], heldOut, options.HeldOutSortingBatches, options.BatchSize, options.Seed, device);
        return new HeldOutAccuracy(PairwiseOrderAccuracy, scores[0].PairwiseAccuracy, scores[1].PairwiseAccuracy, new Dictionary<string, double>
        {
            ["current_mean_displacement"] = Math.Round(scores[0].MeanDisplacement, 4),
            ["candidate_mean_displacement"] = Math.Round(scores[1].MeanDisplacement, 4),
            ["random_order_mean_displacement"] = Math.Round(scores[0].RandomOrderDisplacement, 4),
        });
    }
}
