using TomoCrop.Volumes;

namespace TomoCrop.Localization;

/// <summary>The per-axis evidence a localizer based its box on: a score per sampled slice and the cut applied to it.</summary>
/// <param name="Axis">0 = z, 1 = y, 2 = x.</param>
/// <param name="Positions">Slice indices (input voxels) at which the profile was evaluated, increasing.</param>
/// <param name="Values">Score at each position (certainty, or MIP intensity for the classical method).</param>
/// <param name="Threshold">The level a slice had to reach to count as specimen.</param>
public sealed record AxisProfile(int Axis, int[] Positions, float[] Values, double Threshold);

/// <summary>What was decided along one axis, and how sure the localizer is of it.</summary>
/// <param name="Range">Kept range in input voxels, margins included.</param>
/// <param name="Confidence">0..1: separation of specimen from background on this axis.</param>
/// <param name="KeptFullExtent">True when the axis was not cut (no clear object, or the object touches the border).</param>
/// <param name="Reason">One line for logs and the preview: why this range.</param>
public sealed record AxisDecision(AxisRange Range, double Confidence, bool KeptFullExtent, string Reason);

public sealed record LocalizationResult(
    VolumeShape Shape,
    VoxelBox Box,
    IReadOnlyList<AxisDecision> Axes,
    IReadOnlyList<AxisProfile> Profiles,
    string Method,
    string? ModelSha256,
    double Seconds,
    double ReadSeconds,
    double InferenceSeconds)
{
    public double[] Confidence => Axes.Select(a => a.Confidence).ToArray();

    /// <summary>Fraction of the input's voxels inside the box.</summary>
    public double KeptFraction => (double)Box.VoxelCount / Shape.VoxelCount;
}
