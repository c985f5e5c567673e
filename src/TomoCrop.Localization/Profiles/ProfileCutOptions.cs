namespace TomoCrop.Localization.Profiles;

/// <summary>How the level a profile sample must reach to count as specimen is chosen.</summary>
public enum ThresholdRule
{
    /// <summary><see cref="ProfileCutOptions.Value"/> is the level itself.</summary>
    Absolute,

    /// <summary>Level = min + Value × (max − min) of the profile (the baseline is the profile's minimum).</summary>
    FractionOfMax,

    /// <summary>
    /// Otsu's threshold on a histogram of the profile values (<see cref="ProfileCutOptions.OtsuBins"/> bins), lowered
    /// while the class below it still splits clearly (separation ≥ MinContrast), so the cut sits just above the
    /// background and never between a specimen's dim and bright parts.
    /// </summary>
    Otsu,
}

/// <summary>Settings of <see cref="ProfileCut"/>. Defaults lean towards keeping voxels.</summary>
public sealed record ProfileCutOptions
{
    public static ProfileCutOptions Default { get; } = new();

    public ThresholdRule Rule { get; init; } = ThresholdRule.Otsu;

    /// <summary>Absolute: the level; FractionOfMax: fraction of (max − baseline) above the baseline. Unused by Otsu.</summary>
    public double Value { get; init; } = 0.5;

    /// <summary>Safety margin added on both sides, in input voxels.</summary>
    public int MarginVoxels { get; init; } = 4;

    /// <summary>Plus this percentage of the detected extent, on both sides (rounded up).</summary>
    public double MarginPercent { get; init; } = 2.0;

    /// <summary>
    /// Separation (mean above threshold − mean below, in units of the profile's noise; see
    /// <see cref="ProfileCut"/>) below which there is "no clear object" and the axis is kept whole.
    /// White noise separates by about 1.6, smoothly wandering noise by up to ~2.5. It is also the bar for
    /// lowering Otsu's threshold into a dimmer level; below ~2 that descent starts following noise (keeping more).
    /// </summary>
    public double MinContrast { get; init; } = 3.0;

    /// <summary>Fewer samples than this: no decision possible, the axis is kept whole.</summary>
    public int MinSamples { get; init; } = 5;

    /// <summary>Runs above threshold separated by at most this many below-threshold samples are merged.</summary>
    public int MaxGapSamples { get; init; } = 2;

    /// <summary>Runs separated by at most this percentage of the axis length (in voxels) are merged too.</summary>
    public double MaxGapPercent { get; init; } = 5.0;

    /// <summary>
    /// A run whose covered length is at least this fraction of the largest run's is "comparable": the kept
    /// span then covers all comparable runs and everything between them. Smaller runs are treated as noise.
    /// </summary>
    public double ComparableRunFraction { get; init; } = 0.25;

    /// <summary>
    /// When the object reaches one border, a side whose cut-away part would be under this percentage of the axis is
    /// kept to the border too: a sliver saves little and is where the end of a specimen filling the view hides (0 = off).
    /// </summary>
    public double MinCutPercent { get; init; }

    /// <summary>
    /// FractionOfMax and Otsu: the level is raised to at least the profile's background — its
    /// <see cref="BackgroundQuantile"/> value — plus this many noise sigmas (neighbour differences), though never
    /// above <see cref="BackgroundCeiling"/>. A profile whose minimum is one low sample puts a fraction-of-range level
    /// inside the background's noise, and the "object" then runs to the border. 0 = off.
    /// </summary>
    public double BackgroundSigmas { get; init; }

    /// <summary>The quantile of the profile's values taken as its background level (see <see cref="BackgroundSigmas"/>).</summary>
    public double BackgroundQuantile { get; init; } = 0.25;

    /// <summary>
    /// The background rule never raises the level above this: a profile that is high everywhere (a specimen filling
    /// the view) has no background, and its lowest quarter is specimen.
    /// </summary>
    public double BackgroundCeiling { get; init; } = double.PositiveInfinity;

    /// <summary>Histogram bins for <see cref="ThresholdRule.Otsu"/>.</summary>
    public int OtsuBins { get; init; } = 128;
}
