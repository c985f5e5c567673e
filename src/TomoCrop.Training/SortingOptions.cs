namespace TomoCrop.Training;

/// <summary>Settings of the sorting pretext beyond <see cref="TrainingOptions"/> (whose BatchSize is bs and EtaSpread P_η's spread).</summary>
public sealed record SortingOptions
{
    public static SortingOptions Default { get; } = new();

    /// <summary>m in eq. 2 (the paper's 0.1).</summary>
    public double Margin { get; init; } = RankingLoss.DefaultMargin;

    /// <summary>Fixed held-out batches evaluated each time (bs slices of one held-out volume and axis each).</summary>
    public int HeldOutBatches { get; init; } = 24;
}
