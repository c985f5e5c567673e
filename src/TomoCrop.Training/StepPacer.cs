using System.Diagnostics;

namespace TomoCrop.Training;

/// <summary>
/// What every pretext trainer does around a step, so rotation and sorting yield and stop alike: before a step it
/// calls <see cref="TrainingOptions.BeforeStep"/> (which may block while the device is needed for cropping) with the
/// budget and the speed clock paused, so waiting counts neither against <see cref="TrainingOptions.TimeBudget"/> nor
/// as slow steps; after a step it tells whether the budget is spent.
/// </summary>
public sealed class StepPacer(TrainingOptions options)
{
    private readonly Stopwatch _budget = Stopwatch.StartNew();

    /// <summary>Runs the yield hook, if any, with <paramref name="speedClock"/> and the budget paused.</summary>
    public void BeforeStep(Stopwatch speedClock, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (options.BeforeStep is not { } beforeStep)
        {
            return;
        }
        _budget.Stop();
        speedClock.Stop();
        try
        {
            beforeStep(cancellationToken);
        }
        finally
        {
            _budget.Start();
            speedClock.Start();
        }
    }

    /// <summary>True once the training time (waits excluded) reached <see cref="TrainingOptions.TimeBudget"/>.</summary>
    public bool OutOfTime => options.TimeBudget is { } limit && _budget.Elapsed >= limit;

    /// <summary>The progress message of the step at which the budget ran out.</summary>
    public string BudgetMessage(long step) => $"time budget of {options.TimeBudget!.Value.TotalSeconds:0} s reached at step {step}";
}
