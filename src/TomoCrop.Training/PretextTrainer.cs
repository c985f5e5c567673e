using TomoCrop.Models;

namespace TomoCrop.Training;

/// <summary>The trainer of a pretext by name, for callers that handle both alike (`tomocrop train`, fine-tuning).</summary>
public static class PretextTrainer
{
    /// <param name="sorting">The sorting pretext's own settings; null = <see cref="SortingOptions.Default"/>. Unused by rotation.</param>
    public static TrainingResult Run(
        string pretext, TrainingOptions options, SortingOptions? sorting, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
        Pretexts.Normalise(pretext) == Pretexts.Sorting
            ? SortingTrainer.Run(options, sorting ?? SortingOptions.Default, progress, cancellationToken)
            : RotationTrainer.Run(options, progress, cancellationToken);
}
