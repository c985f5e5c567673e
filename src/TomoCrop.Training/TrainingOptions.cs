using TomoCrop.Models;

namespace TomoCrop.Training;

/// <summary>Everything <see cref="RotationTrainer.Run"/> needs; the defaults train the shipped compact model.</summary>
public sealed record TrainingOptions
{
    /// <summary>Volumes: files or TIFF-stack directories, directories of volumes, or manifest JSON files ({"cases":[{"path":...}]}).</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>Metadata path of the checkpoint to write (NAME.json; weights go to NAME.weights beside it).</summary>
    public required string OutputPath { get; init; }

    public string Architecture { get; init; } = NetworkArchitecture.Compact.Name;
    public PairPreprocessing Preprocessing { get; init; } = new();
    public long Steps { get; init; } = 3000;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    public int Seed { get; init; } = 1;
    public DevicePreference Device { get; init; } = DevicePreference.Auto;

    /// <summary>Write a checkpoint every this many steps (and always at the end); 0 = only at the end.</summary>
    public long CheckpointEvery { get; init; } = 500;

    /// <summary>Report held-out pretext loss/accuracy every this many steps (and at the end); 0 = only at the end.</summary>
    public long EvaluateEvery { get; init; } = 250;

    /// <summary>Report training loss and speed every this many steps.</summary>
    public long ReportEvery { get; init; } = 25;

    /// <summary>Fraction of the volumes held out for pretext accuracy (at least one when there are two or more, none at 0).</summary>
    public double HeldOutFraction { get; init; } = 0.2;

    /// <summary>Fixed held-out pairs evaluated each time.</summary>
    public int HeldOutPairs { get; init; } = 210;

    /// <summary>Upper bound on volumes held in memory (each a subsample of at most SampleSide³ floats).</summary>
    public int MaxVolumes { get; init; } = 48;

    /// <summary>Continue from this checkpoint's metadata: weights, step count and (when saved) Adam state.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// Fine-tune: start from this checkpoint's weights (same architecture and preprocessing) with a fresh optimizer
    /// at step 0. Exclusive with <see cref="ResumeFrom"/>.
    /// </summary>
    public string? InitialWeights { get; init; }

    /// <summary>Held-out volumes given explicitly (never trained on); when set, <see cref="HeldOutFraction"/> is not used.</summary>
    public IReadOnlyList<string>? HeldOutInputs { get; init; }

    /// <summary>Stop after this long, with a checkpoint and a held-out evaluation at the step reached; null = no limit.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>
    /// Called before every step; may block (e.g. while the device is needed for cropping) and may throw
    /// OperationCanceledException. Time spent here does not count against <see cref="TimeBudget"/>.
    /// </summary>
    public Action<CancellationToken>? BeforeStep { get; init; }

    /// <summary>libtorch intra-op threads; 0 keeps libtorch's default. One thread is fastest on a shared, busy machine.</summary>
    public int TorchThreads { get; init; }

    /// <summary>Recorded verbatim in the checkpoint metadata (how to reproduce it).</summary>
    public string? Command { get; init; }

    /// <summary>Standard deviation of η as a fraction of the axis length (P_η = N(l/2, σ·l), clamped).</summary>
    public double EtaSpread { get; init; } = 0.2;
}

/// <summary>
/// One progress report. HeldOut* are set on evaluation reports; CheckpointPath when one was written. The sorting
/// pretext has no accuracy (TrainAccuracy is NaN) and reports the mean displacement instead.
/// </summary>
public sealed record TrainingProgress(
    long Step,
    long TotalSteps,
    double Loss,
    double TrainAccuracy,
    double StepsPerSecond,
    double? HeldOutLoss = null,
    double? HeldOutAccuracy = null,
    string? CheckpointPath = null,
    string? Message = null,
    double? MeanDisplacement = null,
    double? HeldOutMeanDisplacement = null);

public sealed record TrainingResult(string CheckpointPath, CheckpointMetadata Metadata, int TrainingVolumes, int HeldOutVolumes);
