using System.Text.Json.Nodes;
using TomoCrop.Volumes;

namespace TomoCrop.Cropping;

/// <summary>One crop: which voxels of which volume go where, and how they are written.</summary>
public sealed record CropRequest
{
    public required string InputPath { get; init; }

    /// <summary>Final path: a file, or a directory for a TIFF stack. Must not exist.</summary>
    public required string OutputPath { get; init; }

    public required VoxelBox Box { get; init; }

    public VolumeOpenOptions Open { get; init; } = VolumeOpenOptions.Default;

    /// <summary>Output format; the input's format when null.</summary>
    public VolumeFormat? OutputFormat { get; init; }

    public OutputCompression Compression { get; init; } = OutputCompression.None;

    /// <summary>HDF5 output dataset; the input's dataset path (or /exchange/data) when null.</summary>
    public string? OutputDatasetPath { get; init; }

    public IoLimits Limits { get; init; } = IoLimits.Default;

    /// <summary>Evict the written output from the page cache before reading it back, so verification reads the storage.</summary>
    public bool VerifyFromStorage { get; init; }

    /// <summary>Recorded in the crop record when the box came from a localizer.</summary>
    public JsonObject? Localization { get; init; }

    /// <summary>Called after each slab and at each stage change (on the cropping thread; keep it quick).</summary>
    public Action<CropProgress>? OnProgress { get; init; }
}
