namespace TomoCrop.Training.Tests;

/// <summary>Keeps every progress report, in order, on the trainer's thread (Progress&lt;T&gt; would post them to the pool).</summary>
internal sealed class Collect : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Reports { get; } = [];

    public void Report(TrainingProgress value) => Reports.Add(value);
}
