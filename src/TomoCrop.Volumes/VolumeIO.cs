using TomoCrop.Volumes.Formats;
using TomoCrop.Volumes.Formats.Hdf5;
using TomoCrop.Volumes.Formats.Raw;
using TomoCrop.Volumes.Formats.Tiff;

namespace TomoCrop.Volumes;

/// <summary>Entry point of the read stage: open any supported volume, or create one, by path.</summary>
public static class VolumeIO
{
    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    private static IVolumeFormatHandler Handler(VolumeFormat format) => format switch
    {
        VolumeFormat.Hdf5 => new Hdf5Format(),
        VolumeFormat.TiffStack => new TiffStackFormat(),
        VolumeFormat.MultiPageTiff => new MultiPageTiffFormat(),
        VolumeFormat.Raw => new RawFormat(),
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static IVolumeReader Open(string path, VolumeOpenOptions? options = null)
    {
        options ??= VolumeOpenOptions.Default;
        var format = options.Format ?? Detect(path);
        return Handler(format).Open(path, options);
    }

    public static IVolumeWriter Create(string path, VolumeShape shape, VoxelType voxelType, VolumeWriteOptions options)
    {
        if (shape.IsEmpty)
        {
            throw new VolumeException(path, $"cannot write an empty volume of shape {shape}");
        }
        if (File.Exists(path) || Directory.Exists(path))
        {
            throw new VolumeException(path, "already exists; refusing to overwrite");
        }
        return Handler(options.Format).Create(path, shape, voxelType, options);
    }

    /// <summary>Recognises a volume by what is on disk: directory → TIFF stack, magic bytes, then a raw sidecar.</summary>
    public static VolumeFormat Detect(string path)
    {
        if (Directory.Exists(path))
        {
            return VolumeFormat.TiffStack;
        }
        if (!File.Exists(path))
        {
            throw new VolumeException(path, "no such file or directory");
        }
        Span<byte> head = stackalloc byte[8];
        int read;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(path, $"cannot read: {e.Message}", e);
        }
        if (read >= 8 && head.SequenceEqual(Hdf5Signature))
        {
            return VolumeFormat.Hdf5;
        }
        if (read >= 4 && IsTiffMagic(head))
        {
            return VolumeFormat.MultiPageTiff;
        }
        if (RawSidecar.Find(path) is not null)
        {
            return VolumeFormat.Raw;
        }
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".h5" or ".hdf5" or ".hdf" or ".nxs" or ".cxi")
        {
            // An HDF5 file may carry a user block; let the HDF5 reader look further.
            return VolumeFormat.Hdf5;
        }
        throw new VolumeException(path, "unknown volume format (not HDF5, not TIFF, and no NAME.json/NAME.raw.json sidecar)");
    }

    private static bool IsTiffMagic(ReadOnlySpan<byte> head) =>
        (head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && head[3] == 0)
        || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43));

    /// <summary>
    /// Every file that makes up the volume at <paramref name="path"/>: a stack's slices, a raw file and its sidecar,
    /// else the file itself. What must be deleted together when an original is removed after a verified crop.
    /// </summary>
    public static IReadOnlyList<string> SourceFiles(string path, VolumeFormat format, IoLimits? limits = null) => format switch
    {
        VolumeFormat.TiffStack => StackListing.List(path, limits ?? IoLimits.Default),
        VolumeFormat.Raw => RawSidecar.Find(path) is { } sidecar ? [path, sidecar] : [path],
        _ => [path],
    };

    /// <summary>Natural file-name suffix for a format ("" for a TIFF stack directory).</summary>
    public static string DefaultExtension(VolumeFormat format) => format switch
    {
        VolumeFormat.Hdf5 => ".h5",
        VolumeFormat.MultiPageTiff => ".tif",
        VolumeFormat.Raw => ".raw",
        VolumeFormat.TiffStack => "",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
