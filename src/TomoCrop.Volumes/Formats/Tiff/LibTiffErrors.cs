using BitMiracle.LibTiff.Classic;
using LibTiff = BitMiracle.LibTiff.Classic.Tiff;

namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>An error LibTiff.NET reported; callers turn it into a <see cref="VolumeException"/> naming the file.</summary>
internal sealed class LibTiffException(string message) : Exception(message);

/// <summary>
/// LibTiff.NET's default handler only prints errors and lets the call return garbage; this one throws.
/// The handler is process-wide in LibTiff.NET, so it is installed once, before the first LibTiff call.
/// </summary>
internal static class LibTiffErrors
{
    private static readonly Lazy<bool> Installed = new(() =>
    {
        LibTiff.SetErrorHandler(new ThrowingHandler());
        return true;
    });

    public static void EnsureInstalled() => _ = Installed.Value;

    private sealed class ThrowingHandler : TiffErrorHandler
    {
        public override void ErrorHandler(LibTiff tif, string method, string format, params object[] args) =>
            throw new LibTiffException(Describe(tif, method, format, args));

        // LibTiff calls both for one error; whichever runs first throws, so the other never runs.
        public override void ErrorHandlerExt(LibTiff tif, object clientData, string method, string format, params object[] args) =>
            throw new LibTiffException(Describe(tif, method, format, args));

        // Warnings (unknown private tags of tifffile, ImageJ, ...) do not affect the pixels we read.
        public override void WarningHandler(LibTiff tif, string method, string format, params object[] args)
        {
        }

        public override void WarningHandlerExt(LibTiff tif, object clientData, string method, string format, params object[] args)
        {
        }

        private static string Describe(LibTiff? tif, string method, string format, object[] args)
        {
            string text;
            try
            {
                text = args.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);
            }
            catch (FormatException)
            {
                text = format;
            }
            // Our VolumeException already names the file; LibTiff repeats it in most messages.
            var name = tif?.FileName();
            if (!string.IsNullOrEmpty(name))
            {
                text = text.Replace(name + ": ", "", StringComparison.Ordinal);
                method = method == name ? "" : method;
            }
            text = text.ReplaceLineEndings(" ").Trim();
            return string.IsNullOrEmpty(method) ? $"libtiff: {text}" : $"libtiff {method}: {text}";
        }
    }
}

/// <summary>A LibTiff stream over a caller-owned FileStream: LibTiff's Close leaves it open so the caller can fsync it.</summary>
internal sealed class CallerOwnedTiffStream : TiffStream
{
    public override void Close(object clientData)
    {
    }
}
