namespace TomoCrop.Volumes;

/// <summary>How to open an existing volume.</summary>
public sealed record VolumeOpenOptions
{
    public static VolumeOpenOptions Default { get; } = new();

    /// <summary>Force a format instead of detecting it from the path and the file's magic bytes.</summary>
    public VolumeFormat? Format { get; init; }

    /// <summary>HDF5 dataset path; when null, /exchange/data, then /entry/data/data, then the only 3-D dataset.</summary>
    public string? DatasetPath { get; init; }

    public IoLimits Limits { get; init; } = IoLimits.Default;
}

public enum OutputCompression
{
    None,
    Deflate,
    Lzw,
}

public static class OutputCompressionNames
{
    public const string Choices = "none, deflate, lzw";

    public static bool TryParse(string text, out OutputCompression compression)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "none": compression = OutputCompression.None; return true;
            case "deflate" or "zlib" or "gzip": compression = OutputCompression.Deflate; return true;
            case "lzw": compression = OutputCompression.Lzw; return true;
            default: compression = OutputCompression.None; return false;
        }
    }
}

/// <summary>How to create a new volume.</summary>
public sealed record VolumeWriteOptions
{
    public VolumeFormat Format { get; init; } = VolumeFormat.Hdf5;

    /// <summary>HDF5: deflate+shuffle; TIFF: Deflate or LZW (with horizontal predictor for integers).</summary>
    public OutputCompression Compression { get; init; } = OutputCompression.None;

    /// <summary>Dataset written into HDF5 output.</summary>
    public string DatasetPath { get; init; } = "/exchange/data";

    /// <summary>Byte order of raw output (other formats use their own conventions).</summary>
    public ByteOrder ByteOrder { get; init; } = ByteOrder.Little;

    /// <summary>File-name stem of the slices of a TIFF stack: STEM_00000.tif, STEM_00001.tif, ...</summary>
    public string SliceStem { get; init; } = "slice";

    public IoLimits Limits { get; init; } = IoLimits.Default;
}
