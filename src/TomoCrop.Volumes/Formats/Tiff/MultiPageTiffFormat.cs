using System.Text.Json;
using System.Text.RegularExpressions;
using LibTiff = BitMiracle.LibTiff.Classic.Tiff;

namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>One TIFF or BigTIFF file with one page (IFD) per slice.</summary>
internal sealed class MultiPageTiffFormat : IVolumeFormatHandler
{
    /// <summary>Output estimated above this is written as BigTIFF; classic TIFF offsets stop at 4 GiB.</summary>
    public const long BigTiffThresholdBytes = (4L << 30) - (64L << 20);

    public VolumeFormat Format => VolumeFormat.MultiPageTiff;

    public IVolumeReader Open(string path, VolumeOpenOptions options) => MultiPageTiffReader.Open(path, options.Limits);

    public IVolumeWriter Create(string path, VolumeShape shape, VoxelType voxelType, VolumeWriteOptions options) =>
        new MultiPageTiffWriter(path, shape, voxelType, options.Compression, NeedsBigTiff(shape, voxelType, options.Compression));

    /// <summary>Worst-case size: raw data (LZW can expand noisy data by up to ~1.5x), plus directories.</summary>
    public static bool NeedsBigTiff(VolumeShape shape, VoxelType type, OutputCompression compression)
    {
        var raw = (double)shape.VoxelCount * type.Size();
        var worst = compression switch
        {
            OutputCompression.Lzw => raw * 1.5,
            OutputCompression.Deflate => raw * 1.01,
            _ => raw,
        };
        var directories = shape.Z * (4096.0 + (shape.Y * 8.0));
        return worst + directories > BigTiffThresholdBytes;
    }
}

internal sealed partial class MultiPageTiffReader : IVolumeReader
{
    private readonly TiffWindowReader _window;
    private readonly long[] _pageOffsets;
    private readonly IoLimits _limits;
    private TiffPage _page;
    private int _pageIndex;

    private MultiPageTiffReader(VolumeInfo info, TiffWindowReader window, long[] pageOffsets, TiffPage firstPage, IoLimits limits)
    {
        Info = info;
        _window = window;
        _pageOffsets = pageOffsets;
        _page = firstPage;
        _limits = limits;
    }

    public VolumeInfo Info { get; }

    /// <summary>
    /// Walks the IFD chain once, reading only each directory (bounded count, loop-checked) to index the pages
    /// and check that every page has the first page's size and type; pixels are read on demand.
    /// </summary>
    public static MultiPageTiffReader Open(string path, IoLimits limits)
    {
        var file = TiffFile.Open(path);
        var window = new TiffWindowReader(file);
        try
        {
            var first = TiffPage.Read(file, file.FirstIfdOffset, limits, "page 0: ");
            // First and last page are checked fully (a file cut short loses its tail); the others cheaply.
            first.CheckBlocksInFile(file, "page 0: ");
            var pages = new List<long> { first.IfdOffset };
            var seen = new HashSet<long> { first.IfdOffset };
            var next = first.NextIfdOffset;
            while (next != 0)
            {
                var context = $"page {pages.Count}: ";
                if (pages.Count == limits.MaxSlices)
                {
                    throw new VolumeException(path, $"more than {limits.MaxSlices} pages (the slice limit)");
                }
                if (!seen.Add(next))
                {
                    throw new VolumeException(path, $"{context}image directory chain loops back to byte {next} (corrupt file)");
                }
                var page = TiffPage.Read(file, next, limits, context);
                if (page.Geometry != first.Geometry)
                {
                    throw new VolumeException(path, $"{context}is {page.Geometry} but page 0 is {first.Geometry}; a volume needs equal pages");
                }
                if (page.Compression == TiffCompression.None && page.IfdOffset < file.Length && file.Length < page.SliceBytes)
                {
                    throw new VolumeException(path, $"{context}the {file.Length}-byte file cannot hold an uncompressed {page.Geometry} page (truncated?)");
                }
                pages.Add(next);
                next = page.NextIfdOffset;
            }
            if (pages.Count > 1)
            {
                TiffPage.Read(file, pages[^1], limits, $"page {pages.Count - 1}: ").CheckBlocksInFile(file, $"page {pages.Count - 1}: ");
            }
            CheckNotTruncatedLayout(path, first.ReadDescription(file, "page 0: "), pages.Count, first);
            var shape = new VolumeShape(pages.Count, first.Height, first.Width);
            var info = new VolumeInfo(path, VolumeFormat.MultiPageTiff, shape, first.VoxelType, file.ByteOrder);
            return new MultiPageTiffReader(info, window, [.. pages], first, limits);
        }
        catch
        {
            window.Dispose();
            throw;
        }
    }

    /// <summary>
    /// ImageJ files over 4 GiB and tifffile's truncate=True keep many slices behind one page: the description
    /// says how many. Reading only the pages would silently lose slices, so such files are refused.
    /// </summary>
    private static void CheckNotTruncatedLayout(string path, string? description, int pages, TiffPage first)
    {
        if (description is null)
        {
            return;
        }
        long declared = 0;
        var imagej = ImageJImages().Match(description);
        if (description.StartsWith("ImageJ=", StringComparison.Ordinal) && imagej.Success)
        {
            _ = long.TryParse(imagej.Groups[1].Value, out declared);
        }
        else if (description.StartsWith('{') && description.Contains("\"shape\":", StringComparison.Ordinal))
        {
            try
            {
                using var json = JsonDocument.Parse(description);
                if (json.RootElement.TryGetProperty("shape", out var shape) && shape.ValueKind == JsonValueKind.Array)
                {
                    var voxels = shape.EnumerateArray().Aggregate(1.0, (product, d) => product * (d.TryGetInt64(out var v) ? v : 1));
                    declared = (long)Math.Min(voxels / ((double)first.Width * first.Height), long.MaxValue);
                }
            }
            catch (JsonException)
            {
                // Not tifffile's JSON after all: nothing declared.
            }
        }
        if (declared > pages)
        {
            throw new VolumeException(path,
                $"the description declares {declared} slices but the file has {pages} pages (ImageJ >4 GiB or tifffile truncate=True layout, not supported)");
        }
    }

    [GeneratedRegex(@"(?m)^images=(\d+)\s*$")]
    private static partial Regex ImageJImages();

    public void ReadBox(VoxelBox box, Span<byte> destination)
    {
        Info.CheckBoxRead(box, destination.Length);
        var sliceBytes = (int)((long)box.Y.Length * box.X.Length * Info.VoxelType.Size());
        for (var z = box.Z.Start; z < box.Z.Stop; z++)
        {
            var context = $"page {z}: ";
            var page = PageAt(z, context);
            _window.Read(page, box.Y, box.X, destination.Slice((z - box.Z.Start) * sliceBytes, sliceBytes), context);
        }
    }

    private TiffPage PageAt(int z, string context)
    {
        if (_pageIndex != z)
        {
            _page = TiffPage.Read(_window.File, _pageOffsets[z], _limits, context);
            _pageIndex = z;
        }
        return _page;
    }

    public void Dispose() => _window.Dispose();
}

internal sealed class MultiPageTiffWriter : IVolumeWriter
{
    private readonly FileStream _stream;
    private readonly TiffPageEncoder _encoder;
    private readonly Dictionary<string, string> _attributes = new(StringComparer.Ordinal);
    private LibTiff? _tiff;
    private int _slicesWritten;
    private bool _completed;

    public MultiPageTiffWriter(string path, VolumeShape shape, VoxelType type, OutputCompression compression, bool bigTiff)
    {
        Info = new VolumeInfo(path, VolumeFormat.MultiPageTiff, shape, type, ByteOrder.Little);
        IsBigTiff = bigTiff;
        _encoder = new TiffPageEncoder(shape.X, shape.Y, type, compression);
        LibTiffErrors.EnsureInstalled();
        try
        {
            _stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 20);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(path, $"cannot create: {e.Message}", e);
        }
        try
        {
            _tiff = LibTiff.ClientOpen(path, bigTiff ? "w8" : "w", _stream, new CallerOwnedTiffStream())
                ?? throw new LibTiffException("cannot start the file");
        }
        catch (LibTiffException e)
        {
            Abandon();
            throw new VolumeException(path, e.Message, e);
        }
    }

    public VolumeInfo Info { get; }

    public bool IsBigTiff { get; }

    public void WriteSlices(ReadOnlySpan<byte> slices, int sliceCount)
    {
        var sliceBytes = _encoder.SliceBytes;
        if (slices.Length != sliceCount * sliceBytes)
        {
            throw new ArgumentException("slice data does not match the slice count");
        }
        if (_slicesWritten + sliceCount > Info.Shape.Z)
        {
            throw new InvalidOperationException("more slices written than the volume has");
        }
        var tiff = _tiff ?? throw new InvalidOperationException("the writer is completed or failed");
        for (var i = 0; i < sliceCount; i++)
        {
            // Page 0 says the series shape, so tifffile reads the file as one (z, y, x) array.
            var description = _slicesWritten == 0 ? TiffPageEncoder.Description(Info.Shape, new Dictionary<string, string>()) : null;
            try
            {
                _encoder.WritePage(tiff, slices.Slice((int)(i * sliceBytes), (int)sliceBytes), description);
            }
            catch (Exception e) when (e is LibTiffException or IOException)
            {
                throw new VolumeException(Info.Path, $"writing page {_slicesWritten} failed: {e.Message}", e);
            }
            _slicesWritten++;
        }
    }

    public void SetAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var (key, value) in attributes)
        {
            _attributes[key] = value;
        }
    }

    public void Complete()
    {
        if (_slicesWritten != Info.Shape.Z)
        {
            throw new VolumeException(Info.Path, $"only {_slicesWritten} of {Info.Shape.Z} slices were written");
        }
        try
        {
            _tiff?.Close();
            _tiff = null;
            if (_attributes.Count > 0)
            {
                TiffDescriptionEditor.SetFirstDescription(_stream, TiffPageEncoder.Description(Info.Shape, _attributes));
            }
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
            DurableFiles.Sync(Path.GetDirectoryName(Path.GetFullPath(Info.Path))!);
        }
        catch (Exception e) when (e is LibTiffException or IOException)
        {
            throw new VolumeException(Info.Path, $"finishing the file failed: {e.Message}", e);
        }
        _completed = true;
    }

    /// <summary>A writer disposed before <see cref="Complete"/> removes its partial file: no half-written output.</summary>
    public void Dispose()
    {
        if (!_completed)
        {
            Abandon();
        }
    }

    private void Abandon()
    {
        try
        {
            _tiff?.Dispose();
        }
        catch (Exception)
        {
            // The file is deleted below; a LibTiff failure while closing it does not matter.
        }
        _tiff = null;
        _stream.Dispose();
        try
        {
            File.Delete(Info.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        _completed = true;
    }
}
