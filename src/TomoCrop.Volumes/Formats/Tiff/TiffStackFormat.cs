using System.Globalization;
using LibTiff = BitMiracle.LibTiff.Classic.Tiff;

namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>A directory of single-page TIFF slices in natural name order (tofu/ufo, tomopy).</summary>
internal sealed class TiffStackFormat : IVolumeFormatHandler
{
    public VolumeFormat Format => VolumeFormat.TiffStack;

    public IVolumeReader Open(string path, VolumeOpenOptions options) => TiffStackReader.Open(path, options.Limits);

    public IVolumeWriter Create(string path, VolumeShape shape, VoxelType voxelType, VolumeWriteOptions options) =>
        new TiffStackWriter(path, shape, voxelType, options);
}

internal sealed class TiffStackReader : IVolumeReader
{
    private readonly string[] _slicePaths;
    private readonly IoLimits _limits;
    private TiffWindowReader? _current;
    private TiffPage? _currentPage;
    private int _currentIndex = -1;

    private TiffStackReader(VolumeInfo info, string[] slicePaths, IoLimits limits)
    {
        Info = info;
        _slicePaths = slicePaths;
        _limits = limits;
    }

    public VolumeInfo Info { get; }

    /// <summary>
    /// Lists the slices, checks the first fully (directory and strip table) and every other one cheaply
    /// (header and directory only): same size and type, one page each, and long enough if uncompressed.
    /// </summary>
    public static TiffStackReader Open(string directory, IoLimits limits)
    {
        var paths = StackListing.List(directory, limits);
        TiffPage first;
        ByteOrder order;
        using (var file = TiffFile.Open(paths[0]))
        {
            first = ReadSinglePage(file, limits);
            first.CheckBlocksInFile(file);
            order = file.ByteOrder;
        }
        var firstName = Path.GetFileName(paths[0]);
        for (var i = 1; i < paths.Count; i++)
        {
            using var file = TiffFile.Open(paths[i]);
            var page = ReadSinglePage(file, limits);
            if (page.Geometry != first.Geometry)
            {
                throw new VolumeException(paths[i], $"slice is {page.Geometry} but {firstName} is {first.Geometry}; a stack needs equal slices");
            }
            if (page.Compression == TiffCompression.None && file.Length < page.SliceBytes)
            {
                throw new VolumeException(paths[i], $"truncated: {file.Length} bytes cannot hold an uncompressed {page.Geometry} slice");
            }
        }
        var shape = new VolumeShape(paths.Count, first.Height, first.Width);
        return new TiffStackReader(new VolumeInfo(directory, VolumeFormat.TiffStack, shape, first.VoxelType, order), [.. paths], limits);
    }

    private static TiffPage ReadSinglePage(TiffFile file, IoLimits limits)
    {
        var page = TiffPage.Read(file, file.FirstIfdOffset, limits);
        if (page.NextIfdOffset != 0)
        {
            throw new VolumeException(file.Path, "slice file has more than one page; a stack needs one slice per file");
        }
        return page;
    }

    public void ReadBox(VoxelBox box, Span<byte> destination)
    {
        Info.CheckBoxRead(box, destination.Length);
        var sliceBytes = (int)((long)box.Y.Length * box.X.Length * Info.VoxelType.Size());
        for (var z = box.Z.Start; z < box.Z.Stop; z++)
        {
            var (reader, page) = SliceAt(z);
            reader.Read(page, box.Y, box.X, destination.Slice((z - box.Z.Start) * sliceBytes, sliceBytes));
        }
    }

    /// <summary>The open slice file; one at a time, kept while reads stay on the same slice (row-wise strided reads).</summary>
    private (TiffWindowReader Reader, TiffPage Page) SliceAt(int z)
    {
        if (_currentIndex != z || _current is null || _currentPage is null)
        {
            _current?.Dispose();
            _current = null;
            _currentIndex = -1;
            var file = TiffFile.Open(_slicePaths[z]);
            try
            {
                // Re-validated at read: the file may have changed since the cheap check at open.
                var page = ReadSinglePage(file, _limits);
                var expected = $"{Info.Shape.X}x{Info.Shape.Y} {Info.VoxelType.NumpyName()}";
                if (page.Geometry != expected)
                {
                    throw new VolumeException(file.Path, $"slice is now {page.Geometry}, was {expected} when the stack was opened");
                }
                _current = new TiffWindowReader(file);
                _currentPage = page;
                _currentIndex = z;
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }
        return (_current, _currentPage);
    }

    public void Dispose() => _current?.Dispose();
}

internal sealed class TiffStackWriter : IVolumeWriter
{
    private readonly TiffPageEncoder _encoder;
    private readonly string _stem;
    private readonly int _digits;
    private readonly List<string> _written = [];
    private readonly Dictionary<string, string> _attributes = new(StringComparer.Ordinal);
    private bool _completed;

    public TiffStackWriter(string directory, VolumeShape shape, VoxelType type, VolumeWriteOptions options)
    {
        if (string.IsNullOrEmpty(options.SliceStem) || options.SliceStem.IndexOfAny([.. Path.GetInvalidFileNameChars(), '/']) >= 0)
        {
            throw new VolumeException(directory, $"slice stem '{options.SliceStem}' is not a valid file name");
        }
        Info = new VolumeInfo(directory, VolumeFormat.TiffStack, shape, type, ByteOrder.Little);
        _encoder = new TiffPageEncoder(shape.X, shape.Y, type, options.Compression);
        _stem = options.SliceStem;
        _digits = Math.Max(5, (shape.Z - 1).ToString(CultureInfo.InvariantCulture).Length);
        LibTiffErrors.EnsureInstalled();
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(directory, $"cannot create the stack directory: {e.Message}", e);
        }
    }

    public VolumeInfo Info { get; }

    /// <summary>STEM_00000.tif, ...: zero-padded to 5 digits, more when the stack has more than 100000 slices.</summary>
    public string SlicePath(int z) =>
        Path.Combine(Info.Path, $"{_stem}_{z.ToString(CultureInfo.InvariantCulture).PadLeft(_digits, '0')}.tif");

    public void WriteSlices(ReadOnlySpan<byte> slices, int sliceCount)
    {
        var sliceBytes = _encoder.SliceBytes;
        if (slices.Length != sliceCount * sliceBytes)
        {
            throw new ArgumentException("slice data does not match the slice count");
        }
        if (_written.Count + sliceCount > Info.Shape.Z)
        {
            throw new InvalidOperationException("more slices written than the volume has");
        }
        if (_completed)
        {
            throw new InvalidOperationException("the writer is completed or failed");
        }
        for (var i = 0; i < sliceCount; i++)
        {
            var path = SlicePath(_written.Count);
            try
            {
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 20);
                _written.Add(path);
                var tiff = LibTiff.ClientOpen(path, "w", stream, new CallerOwnedTiffStream())
                    ?? throw new LibTiffException("cannot start the file");
                try
                {
                    _encoder.WritePage(tiff, slices.Slice((int)(i * sliceBytes), (int)sliceBytes), null);
                }
                finally
                {
                    tiff.Close();
                }
            }
            catch (Exception e) when (e is LibTiffException or IOException or UnauthorizedAccessException)
            {
                throw new VolumeException(path, $"writing the slice failed: {e.Message}", e);
            }
        }
    }

    public void SetAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var (key, value) in attributes)
        {
            _attributes[key] = value;
        }
    }

    /// <summary>
    /// Provenance goes into the first slice only: it may arrive after slices are written, and rewriting one
    /// directory is cheap where rewriting every slice is not; readers (tifffile, ImageJ) take metadata from the first file.
    /// Then every slice file and the directory itself are fsynced.
    /// </summary>
    public void Complete()
    {
        if (_written.Count != Info.Shape.Z)
        {
            throw new VolumeException(Info.Path, $"only {_written.Count} of {Info.Shape.Z} slices were written");
        }
        var current = Info.Path;
        try
        {
            if (_attributes.Count > 0)
            {
                current = _written[0];
                using var stream = new FileStream(current, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                TiffDescriptionEditor.SetFirstDescription(stream, TiffPageEncoder.Description(null, _attributes));
            }
            foreach (var path in _written)
            {
                current = path;
                DurableFiles.Sync(path);
            }
            current = Info.Path;
            DurableFiles.Sync(Info.Path);
        }
        catch (Exception e) when (e is LibTiffException or IOException)
        {
            throw new VolumeException(current, $"finishing the stack failed: {e.Message}", e);
        }
        _completed = true;
    }

    /// <summary>A writer disposed before <see cref="Complete"/> removes the slices it wrote and its directory.</summary>
    public void Dispose()
    {
        if (_completed)
        {
            return;
        }
        _completed = true;
        try
        {
            foreach (var path in _written)
            {
                File.Delete(path);
            }
            if (!Directory.EnumerateFileSystemEntries(Info.Path).Any())
            {
                Directory.Delete(Info.Path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
