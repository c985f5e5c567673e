using System.Text.Json.Serialization;
using TomoCrop.Volumes;

namespace TomoCrop.Phantoms;

/// <summary>Exact ground truth of one generated volume.</summary>
/// <param name="Box">Half-open box of every voxel whose centre lies inside the specimen's analytic shape; null when no voxel does.</param>
/// <param name="SpecimenVoxels">Number of such voxels.</param>
public sealed record PhantomTruth(VoxelBox? Box, long SpecimenVoxels)
{
    /// <summary>Per axis (z, y, x): does the box reach the first or the last voxel of the volume?</summary>
    public bool[] TouchesBorder(VolumeShape shape) => Box is not { } box
        ? [false, false, false]
        : [.. Enumerable.Range(0, 3).Select(axis => box[axis].Start == 0 || box[axis].Stop == shape[axis])];
}

/// <summary>One manifest entry: a generated volume and its exact ground truth.</summary>
public sealed record PhantomCase
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Path of the volume; relative to the manifest's directory inside a saved manifest, absolute after loading.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Volume format name: raw, hdf5, tiff, tiff-stack.</summary>
    [JsonPropertyName("format")]
    public required string Format { get; init; }

    /// <summary>embryo, fish, cells; "none" for a holder-only volume.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>[z, y, x].</summary>
    [JsonPropertyName("shape")]
    public required int[] Shape { get; init; }

    [JsonPropertyName("dtype")]
    public required string Dtype { get; init; }

    /// <summary>[[z0,z1],[y0,y1],[x0,x1]] half-open, or null when there is no specimen in view.</summary>
    [JsonPropertyName("box_zyx")]
    public int[][]? BoxZyx { get; init; }

    [JsonPropertyName("seed")]
    public long Seed { get; init; }

    [JsonPropertyName("variant")]
    public required string Variant { get; init; }

    [JsonPropertyName("touches_border")]
    public required bool[] TouchesBorder { get; init; }

    [JsonPropertyName("specimen_voxels")]
    public long SpecimenVoxels { get; init; }

    /// <summary>none, approximate or fbp.</summary>
    [JsonPropertyName("artefacts")]
    public required string Artefacts { get; init; }

    /// <summary>For uint16 volumes: the float values mapped onto 0 and 65535.</summary>
    [JsonPropertyName("uint16_range")]
    public float[]? UInt16Range { get; init; }

    [JsonIgnore]
    public VolumeShape VolumeShape => new(Shape[0], Shape[1], Shape[2]);

    [JsonIgnore]
    public VoxelBox? Box => BoxZyx is null ? null : VoxelBox.FromJsonArray(BoxZyx);
}
