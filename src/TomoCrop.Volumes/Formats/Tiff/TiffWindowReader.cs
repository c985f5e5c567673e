using System.IO.Compression;
using System.Runtime.InteropServices;
using LibTiff = BitMiracle.LibTiff.Classic.Tiff;

namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>
/// Reads a (rows, columns) window of one page of one TIFF file, touching only the strips or tiles it
/// intersects. Uncompressed data is read straight from the file (adjacent strips coalesced into one read);
/// Deflate blocks are inflated by .NET's native zlib; LZW, PackBits and the floating-point predictor are
/// decoded by LibTiff.NET, opened lazily on the same file.
/// Output is little-endian, C-ordered.
/// </summary>
internal sealed class TiffWindowReader(TiffFile file) : IDisposable
{
    /// <summary>Scratch for partial-width uncompressed reads; larger strips are read in pieces of this size.</summary>
    private const int ChunkBytes = 4 << 20;

    private LibTiff? _libTiff;
    private FileStream? _libTiffStream;
    private long _tablePage = -1;
    private long[] _offsets = [];
    private long[] _byteCounts = [];
    private byte[] _scratch = [];
    private byte[] _compressed = [];

    public TiffFile File => file;

    public void Read(TiffPage page, AxisRange rows, AxisRange columns, Span<byte> destination, string context = "")
    {
        if (_tablePage != page.IfdOffset)
        {
            (_offsets, _byteCounts) = page.LoadBlockTable(file, context);
            _tablePage = page.IfdOffset;
        }
        if (page.Compression == TiffCompression.None && !page.IsTiled)
        {
            ReadUncompressedStrips(page, rows, columns, destination, context);
        }
        else
        {
            ReadBlocks(page, rows, columns, destination, context);
        }
        if (page.Compression == TiffCompression.None && ByteSwap.Needed(file.ByteOrder))
        {
            // LibTiff already swaps what it decodes; raw reads are swapped here.
            ByteSwap.InPlace(destination, page.VoxelSize);
        }
    }

    private void ReadUncompressedStrips(TiffPage page, AxisRange rows, AxisRange columns, Span<byte> destination, string context)
    {
        var rowBytes = page.RowBytes;
        var runOffset = -1L;
        var runFirstRow = 0;
        var runRows = 0;
        for (var strip = rows.Start / page.BlockHeight; strip <= (rows.Stop - 1) / page.BlockHeight; strip++)
        {
            var stripRow = strip * page.BlockHeight;
            var first = Math.Max(rows.Start, stripRow);
            var stop = Math.Min(rows.Stop, Math.Min(stripRow + page.BlockHeight, page.Height));
            var needed = (stop - stripRow) * rowBytes;
            if (_byteCounts[strip] < needed || _offsets[strip] + needed > file.Length)
            {
                throw new VolumeException(file.Path,
                    $"{context}strip {strip} ({_byteCounts[strip]} bytes at {_offsets[strip]}) does not hold its {needed} bytes within the {file.Length}-byte file (truncated?)");
            }
            var offset = _offsets[strip] + ((first - stripRow) * rowBytes);
            if (runRows > 0 && offset == runOffset + (runRows * rowBytes))
            {
                runRows += stop - first;
                continue;
            }
            ReadRowRun(page, runOffset, runFirstRow - rows.Start, runRows, columns, destination, context);
            (runOffset, runFirstRow, runRows) = (offset, first, stop - first);
        }
        ReadRowRun(page, runOffset, runFirstRow - rows.Start, runRows, columns, destination, context);
    }

    /// <summary>Copies <paramref name="count"/> contiguous full rows at <paramref name="offset"/> into window row <paramref name="windowRow"/>.</summary>
    private void ReadRowRun(TiffPage page, long offset, int windowRow, int count, AxisRange columns, Span<byte> destination, string context)
    {
        if (count == 0)
        {
            return;
        }
        var rowBytes = (int)page.RowBytes;
        var outRowBytes = columns.Length * page.VoxelSize;
        if (columns.Length == page.Width)
        {
            file.ReadExactly(offset, destination.Slice(windowRow * outRowBytes, count * outRowBytes), context);
            return;
        }
        var rowsPerChunk = Math.Max(1, ChunkBytes / rowBytes);
        var scratch = Scratch((long)Math.Min(rowsPerChunk, count) * rowBytes);
        var columnOffset = columns.Start * page.VoxelSize;
        for (var done = 0; done < count; done += rowsPerChunk)
        {
            var n = Math.Min(rowsPerChunk, count - done);
            file.ReadExactly(offset + ((long)done * rowBytes), scratch[..(n * rowBytes)], context);
            for (var r = 0; r < n; r++)
            {
                scratch.Slice((r * rowBytes) + columnOffset, outRowBytes)
                    .CopyTo(destination.Slice((windowRow + done + r) * outRowBytes, outRowBytes));
            }
        }
    }

    /// <summary>Tiles, and compressed strips: fetch each intersecting block whole (or its needed rows), copy the overlap.</summary>
    private void ReadBlocks(TiffPage page, AxisRange rows, AxisRange columns, Span<byte> destination, string context)
    {
        var size = page.VoxelSize;
        var blockRowBytes = page.BlockWidth * size;
        var outRowBytes = columns.Length * size;
        var scratch = Scratch(page.BlockBytes);
        for (var down = rows.Start / page.BlockHeight; down <= (rows.Stop - 1) / page.BlockHeight; down++)
        {
            var blockRow = down * page.BlockHeight;
            var firstRow = Math.Max(rows.Start, blockRow);
            var stopRow = Math.Min(rows.Stop, Math.Min(blockRow + page.BlockHeight, page.Height));
            for (var across = columns.Start / page.BlockWidth; across <= (columns.Stop - 1) / page.BlockWidth; across++)
            {
                var blockColumn = across * page.BlockWidth;
                var firstColumn = Math.Max(columns.Start, blockColumn);
                var stopColumn = Math.Min(columns.Stop, Math.Min(blockColumn + page.BlockWidth, page.Width));
                var block = (down * page.BlocksAcross) + across;
                FetchBlock(page, block, firstRow - blockRow, stopRow - blockRow, scratch, context);
                var copyBytes = (stopColumn - firstColumn) * size;
                for (var row = firstRow; row < stopRow; row++)
                {
                    scratch.Slice(((row - blockRow) * blockRowBytes) + ((firstColumn - blockColumn) * size), copyBytes)
                        .CopyTo(destination.Slice(((row - rows.Start) * outRowBytes) + ((firstColumn - columns.Start) * size), copyBytes));
                }
            }
        }
    }

    /// <summary>Puts block rows [first, stop) at their place in <paramref name="scratch"/> (laid out as the whole block).</summary>
    private void FetchBlock(TiffPage page, int block, int first, int stop, Span<byte> scratch, string context)
    {
        var offset = _offsets[block];
        var byteCount = _byteCounts[block];
        var blockRowBytes = (long)page.BlockWidth * page.VoxelSize;
        var what = page.IsTiled ? "tile" : "strip";
        if (page.Compression == TiffCompression.None)
        {
            var needed = stop * blockRowBytes;
            if (byteCount < needed || offset + needed > file.Length)
            {
                throw new VolumeException(file.Path,
                    $"{context}{what} {block} ({byteCount} bytes at {offset}) does not hold its {needed} bytes within the {file.Length}-byte file (truncated?)");
            }
            var from = first * blockRowBytes;
            file.ReadExactly(offset + from, scratch[(int)from..(int)needed], context);
            return;
        }
        // Compressed data never legitimately exceeds its raw size by much (LZW's worst case is about 1.5x).
        if (byteCount < 1 || offset + byteCount > file.Length || byteCount > (2 * page.BlockBytes) + 65536)
        {
            throw new VolumeException(file.Path,
                $"{context}{what} {block} declares {byteCount} compressed bytes at {offset} in a {file.Length}-byte file (truncated or corrupt)");
        }
        var expected = page.IsTiled ? page.BlockBytes : (long)Math.Min(page.BlockHeight, page.Height - (block * page.BlockHeight)) * blockRowBytes;
        if (page.Compression is TiffCompression.AdobeDeflate or TiffCompression.Deflate && page.Predictor != 3)
        {
            Inflate(page, offset, (int)byteCount, scratch[..(int)expected], (int)blockRowBytes, context, $"{what} {block}");
            return;
        }
        int decoded;
        try
        {
            var tiff = LibTiffAt(page, context);
            decoded = page.IsTiled
                ? tiff.ReadEncodedTile(block, _scratch, 0, (int)expected)
                : tiff.ReadEncodedStrip(block, _scratch, 0, (int)expected);
        }
        catch (Exception e) when (e is not VolumeException)
        {
            CloseLibTiff();
            throw new VolumeException(file.Path, $"{context}cannot decode {what} {block}: {e.Message}", e);
        }
        if (decoded != expected)
        {
            throw new VolumeException(file.Path, $"{context}{what} {block} decodes to {decoded} bytes, expected {expected} (corrupt data)");
        }
        if (page.Predictor == 3 && ByteSwap.Needed(file.ByteOrder))
        {
            // LibTiff.NET returns floating-point-predictor data of big-endian files in file order (libtiff C
            // returns native order); covered by the tiffcp -B -c lzw:3 / zip:3 interop tests.
            ByteSwap.InPlace(scratch[..(int)expected], page.VoxelSize);
        }
    }

    /// <summary>
    /// Deflate through .NET's native zlib, about four times faster than LibTiff.NET's managed inflate; then the
    /// horizontal predictor is undone on native-order samples. Output little-endian, like LibTiff's.
    /// </summary>
    private void Inflate(TiffPage page, long offset, int byteCount, Span<byte> output, int rowBytes, string context, string what)
    {
        if (_compressed.Length < byteCount)
        {
            _compressed = new byte[byteCount];
        }
        file.ReadExactly(offset, _compressed.AsSpan(0, byteCount), context);
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(_compressed, 0, byteCount, writable: false), CompressionMode.Decompress);
            zlib.ReadExactly(output);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new VolumeException(file.Path, $"{context}cannot decode {what}: corrupt Deflate data ({e.Message})", e);
        }
        if (ByteSwap.Needed(file.ByteOrder))
        {
            ByteSwap.InPlace(output, page.VoxelSize);
        }
        if (page.Predictor == 2)
        {
            for (var row = 0; row < output.Length; row += rowBytes)
            {
                UndoHorizontalDifference(output.Slice(row, rowBytes), page.VoxelSize);
            }
        }
    }

    /// <summary>TIFF predictor 2: each stored sample is the difference to its left neighbour (wrapping integer arithmetic).</summary>
    private static void UndoHorizontalDifference(Span<byte> row, int size)
    {
        switch (size)
        {
            case 1:
                for (var i = 1; i < row.Length; i++) row[i] += row[i - 1];
                break;
            case 2:
                var shorts = MemoryMarshal.Cast<byte, ushort>(row);
                for (var i = 1; i < shorts.Length; i++) shorts[i] += shorts[i - 1];
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, uint>(row);
                for (var i = 1; i < ints.Length; i++) ints[i] += ints[i - 1];
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, ulong>(row);
                for (var i = 1; i < longs.Length; i++) longs[i] += longs[i - 1];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(size));
        }
    }

    /// <summary>LibTiff positioned on <paramref name="page"/>'s directory, opened on first use.</summary>
    private LibTiff LibTiffAt(TiffPage page, string context)
    {
        if (_libTiff is null)
        {
            LibTiffErrors.EnsureInstalled();
            _libTiffStream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            _libTiff = LibTiff.ClientOpen(file.Path, "r", _libTiffStream, new CallerOwnedTiffStream())
                ?? throw new VolumeException(file.Path, $"{context}libtiff cannot open the file");
        }
        if (_libTiff.CurrentDirOffset() != page.IfdOffset && !_libTiff.SetSubDirectory(page.IfdOffset))
        {
            throw new VolumeException(file.Path, $"{context}libtiff cannot read the image directory at byte {page.IfdOffset}");
        }
        return _libTiff;
    }

    private Span<byte> Scratch(long bytes)
    {
        if (_scratch.Length < bytes)
        {
            _scratch = new byte[bytes];
        }
        return _scratch.AsSpan(0, (int)bytes);
    }

    private void CloseLibTiff()
    {
        try
        {
            _libTiff?.Dispose();
        }
        catch (Exception)
        {
            // A LibTiff instance that failed mid-decode may fail again on close; it is discarded either way.
        }
        _libTiff = null;
        _libTiffStream?.Dispose();
        _libTiffStream = null;
    }

    public void Dispose()
    {
        CloseLibTiff();
        file.Dispose();
    }
}
