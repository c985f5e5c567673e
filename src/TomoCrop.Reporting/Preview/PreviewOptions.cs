using SkiaSharp;
using TomoCrop.Volumes;

namespace TomoCrop.Reporting.Preview;

/// <summary>Settings of <see cref="PreviewRenderer"/>.</summary>
public sealed record PreviewOptions
{
    public static PreviewOptions Default { get; } = new();

    /// <summary>Side of each view's square cell, in pixels; the whole picture is about 3.2 × this wide.</summary>
    public int PanelSize { get; init; } = 440;

    /// <summary>Upper bound on the strided subsample read for the views (voxels).</summary>
    public long MaxSampleVoxels { get; init; } = 16L << 20;

    /// <summary>Grey levels stretch from this percentile (black)…</summary>
    public double LowPercentile { get; init; } = 1.0;

    /// <summary>…to this one (white), per view.</summary>
    public double HighPercentile { get; init; } = 99.5;

    public IoLimits Limits { get; init; } = IoLimits.Default;
}

/// <summary>The preview's colours: kept box solid orange-red, true box dashed cyan (as in the seed paper's figures: solid prediction, dashed truth).</summary>
public static class PreviewPalette
{
    public static SKColor Kept { get; } = new(255, 64, 0);

    public static SKColor KeptShade { get; } = new(255, 64, 0, 48);

    public static SKColor Truth { get; } = new(0, 200, 255);

    /// <summary>Translucent tint over the voxels the crop drops.</summary>
    public static SKColor CutTint { get; } = new(255, 40, 0, 50);

    public static SKColor Profile { get; } = new(20, 40, 140);

    public static SKColor Threshold { get; } = new(110, 110, 110);

    public static SKColor Background { get; } = SKColors.White;

    public static SKColor Frame { get; } = new(160, 160, 160);

    public static SKColor Text { get; } = new(20, 20, 20);

    public static SKColor MutedText { get; } = new(90, 90, 90);

    public static SKColor Warning { get; } = new(200, 0, 0);
}
