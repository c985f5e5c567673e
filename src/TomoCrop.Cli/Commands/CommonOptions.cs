using System.CommandLine;
using TomoCrop.Volumes;

namespace TomoCrop.Cli.Commands;

/// <summary>Options several verbs share, parsed the same way everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string?> Dataset() => new("--dataset")
    {
        Description = "HDF5 dataset path (default: /exchange/data, then /entry/data/data, then the only 3-D dataset)",
    };

    public static Option<string?> Format(string description) => new("--format") { Description = description };

    public static Option<string> Compression() => new("--compression")
    {
        Description = "output compression: none, deflate (HDF5 deflate+shuffle, TIFF Deflate) or lzw (TIFF only)",
        DefaultValueFactory = _ => "none",
    };

    public static Option<int> BufferMiB() => new("--buffer-mib")
    {
        Description = "memory for slab buffers, MiB (bounds the process whatever the volume size)",
        DefaultValueFactory = _ => 128,
    };

    public static VolumeFormat? ParseFormat(string? text)
    {
        if (text is null)
        {
            return null;
        }
        return VolumeFormatNames.TryParse(text, out var format)
            ? format
            : throw new FormatException($"--format '{text}' is not one of hdf5, tiff-stack, tiff, raw");
    }

    public static OutputCompression ParseCompression(string text) =>
        OutputCompressionNames.TryParse(text, out var compression)
            ? compression
            : throw new FormatException($"--compression '{text}' is not one of {OutputCompressionNames.Choices}");

    /// <summary>--state: the daemon's state directory (journal, savings, models), default as the daemon's.</summary>
    public static Option<string> StateDirectory(string description) => new("--state")
    {
        Description = description,
        DefaultValueFactory = _ => new TomoCrop.Daemon.Options.StateOptions().Directory,
    };

    public static IoLimits Limits(int bufferMiB)
    {
        if (bufferMiB < 8)
        {
            throw new FormatException("--buffer-mib must be at least 8");
        }
        return IoLimits.Default with { MaxBufferBytes = (long)bufferMiB << 20 };
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
