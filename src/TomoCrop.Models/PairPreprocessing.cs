using System.Text.Json.Serialization;

namespace TomoCrop.Models;

/// <summary>
/// How a slice pair becomes network input. Stored in every checkpoint: inference must prepare pairs exactly as
/// training did.
/// </summary>
public sealed record PairPreprocessing
{
    /// <summary>Network input side in pixels (slices are square crops resampled to this).</summary>
    [JsonPropertyName("input_size")]
    public int InputSize { get; init; } = 64;

    /// <summary>
    /// Both slices are rotated at InputSize*Supersample and then area-averaged down, so the bilinear blur a rotation
    /// leaves (none at 0/±90°, most at ±45°) does not survive to tell the angle.
    /// </summary>
    [JsonPropertyName("supersample")]
    public int Supersample { get; init; } = 2;

    /// <summary>
    /// Remove what the holder's symmetry predicts: the per-(y, x) median along z of the whole subsample (tube walls,
    /// medium, ring artefacts: z-invariant), then each axial slice's angular mean about the centre (tube bottom, medium
    /// surface, meniscus), then per slice the column median along z (slices along y and x) or the angular mean (axial).
    /// </summary>
    [JsonPropertyName("suppress_background")]
    public bool SuppressBackground { get; init; } = true;

    /// <summary>Divide each slice by its own standard deviation after background suppression.</summary>
    [JsonPropertyName("normalize_per_slice")]
    public bool NormalizePerSlice { get; init; } = true;

    /// <summary>Largest side of the in-memory strided subsample a volume is reduced to (training and coarse inference).</summary>
    [JsonPropertyName("sample_side")]
    public int SampleSide { get; init; } = 128;

    /// <summary>Pairs are (slice i, slice i+σ) with 1 ≤ |σ| ≤ MaxPairOffset, in subsample slices.</summary>
    [JsonPropertyName("max_pair_offset")]
    public int MaxPairOffset { get; init; } = 2;

    /// <summary>Rotation angles (degrees), one class each.</summary>
    [JsonPropertyName("angles_degrees")]
    public double[] AnglesDegrees { get; init; } = [-90, -60, -30, 0, 30, 60, 90];

    /// <summary>Value equality including the angle table (the record's own equality compares the array by reference).</summary>
    public bool SameAs(PairPreprocessing other) =>
        this with { AnglesDegrees = Array.Empty<double>() } == other with { AnglesDegrees = Array.Empty<double>() } && AnglesDegrees.SequenceEqual(other.AnglesDegrees);

    public void Validate()
    {
        if (InputSize < 16 || InputSize > 1024)
        {
            throw new ArgumentException($"input size {InputSize} must be within 16..1024");
        }
        if (Supersample < 1 || Supersample > 4)
        {
            throw new ArgumentException($"supersample {Supersample} must be within 1..4");
        }
        if (SampleSide < 16 || SampleSide > 1024)
        {
            throw new ArgumentException($"sample side {SampleSide} must be within 16..1024");
        }
        if (MaxPairOffset < 1)
        {
            throw new ArgumentException("max pair offset must be >= 1");
        }
        if (AnglesDegrees.Length < 2 || AnglesDegrees.Distinct().Count() != AnglesDegrees.Length)
        {
            throw new ArgumentException("the angle table needs at least two distinct angles");
        }
    }
}
