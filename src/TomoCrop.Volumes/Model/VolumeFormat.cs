namespace TomoCrop.Volumes;

/// <summary>The on-disk layouts a beamline's reconstruction pipeline writes.</summary>
public enum VolumeFormat
{
    /// <summary>HDF5 file: Data Exchange <c>/exchange/data</c>, NeXus <c>/entry/data/data</c>, or a given dataset.</summary>
    Hdf5,

    /// <summary>A directory of single-slice TIFFs in natural name order (tofu/ufo, tomopy).</summary>
    TiffStack,

    /// <summary>One TIFF (or BigTIFF) file with one page per slice.</summary>
    MultiPageTiff,

    /// <summary>Raw voxels with a JSON sidecar giving shape, dtype and byte order.</summary>
    Raw,
}

public static class VolumeFormatNames
{
    public static string Name(this VolumeFormat format) => format switch
    {
        VolumeFormat.Hdf5 => "hdf5",
        VolumeFormat.TiffStack => "tiff-stack",
        VolumeFormat.MultiPageTiff => "tiff",
        VolumeFormat.Raw => "raw",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static bool TryParse(string text, out VolumeFormat format)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "hdf5" or "h5":
                format = VolumeFormat.Hdf5;
                return true;
            case "tiff-stack" or "tiffstack" or "stack":
                format = VolumeFormat.TiffStack;
                return true;
            case "tiff" or "tif" or "multipage-tiff" or "bigtiff":
                format = VolumeFormat.MultiPageTiff;
                return true;
            case "raw":
                format = VolumeFormat.Raw;
                return true;
            default:
                format = default;
                return false;
        }
    }
}
