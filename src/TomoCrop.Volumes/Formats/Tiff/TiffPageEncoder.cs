using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using BitMiracle.LibTiff.Classic;
using LibTiff = BitMiracle.LibTiff.Classic.Tiff;

namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>
/// Writes single-sample greyscale pages with LibTiff.NET: little-endian, strips of about 256 KiB, optional
/// Deflate or LZW. Integers get the horizontal predictor (2), which tifffile undoes without imagecodecs;
/// floats get none, because tifffile cannot undo the floating-point predictor (3) without imagecodecs.
/// </summary>
internal sealed class TiffPageEncoder
{
    private const int TargetStripBytes = 256 << 10;

    private readonly int _width;
    private readonly int _height;
    private readonly VoxelType _type;
    private readonly OutputCompression _compression;
    private readonly int _rowsPerStrip;
    private readonly byte[] _slice;

    public TiffPageEncoder(int width, int height, VoxelType type, OutputCompression compression)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("TIFF output assumes a little-endian machine");
        }
        _width = width;
        _height = height;
        _type = type;
        _compression = compression;
        var rowBytes = (long)width * type.Size();
        _rowsPerStrip = (int)Math.Clamp(TargetStripBytes / rowBytes, 1, height);
        // LibTiff encodes from (and its predictor modifies) a byte[]: one slice, copied from the caller's span.
        _slice = new byte[rowBytes * height];
    }

    public long SliceBytes => _slice.Length;

    /// <summary>Writes one page and its directory.</summary>
    public void WritePage(LibTiff tiff, ReadOnlySpan<byte> slice, string? description)
    {
        slice.CopyTo(_slice);
        var size = _type.Size();
        tiff.SetField(TiffTag.IMAGEWIDTH, _width);
        tiff.SetField(TiffTag.IMAGELENGTH, _height);
        tiff.SetField(TiffTag.BITSPERSAMPLE, size * 8);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tiff.SetField(TiffTag.SAMPLEFORMAT, _type.IsFloat() ? SampleFormat.IEEEFP : _type.IsSigned() ? SampleFormat.INT : SampleFormat.UINT);
        tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
        tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tiff.SetField(TiffTag.ROWSPERSTRIP, _rowsPerStrip);
        tiff.SetField(TiffTag.SOFTWARE, "TomoCropDaemon");
        switch (_compression)
        {
            case OutputCompression.None:
                tiff.SetField(TiffTag.COMPRESSION, BitMiracle.LibTiff.Classic.Compression.NONE);
                break;
            case OutputCompression.Deflate:
                tiff.SetField(TiffTag.COMPRESSION, BitMiracle.LibTiff.Classic.Compression.ADOBE_DEFLATE);
                break;
            case OutputCompression.Lzw:
                tiff.SetField(TiffTag.COMPRESSION, BitMiracle.LibTiff.Classic.Compression.LZW);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(_compression));
        }
        if (_compression != OutputCompression.None && !_type.IsFloat())
        {
            tiff.SetField(TiffTag.PREDICTOR, BitMiracle.LibTiff.Classic.Predictor.HORIZONTAL);
        }
        if (description is not null)
        {
            tiff.SetField(TiffTag.IMAGEDESCRIPTION, description);
        }
        var stripBytes = (int)((long)_rowsPerStrip * _width * size);
        var strips = (_height + _rowsPerStrip - 1) / _rowsPerStrip;
        if (_compression == OutputCompression.Deflate)
        {
            WriteDeflateStrips(tiff, stripBytes, strips);
        }
        else
        {
            for (var strip = 0; strip < strips; strip++)
            {
                var offset = strip * stripBytes;
                var count = Math.Min(stripBytes, _slice.Length - offset);
                if (tiff.WriteEncodedStrip(strip, _slice, offset, count) < 0)
                {
                    throw new LibTiffException($"writing strip {strip} failed");
                }
            }
        }
        if (!tiff.WriteDirectory())
        {
            throw new LibTiffException("writing the image directory failed");
        }
    }

    /// <summary>
    /// LibTiff.NET's managed deflate runs at ~10 MB/s; .NET's native zlib, strips in parallel, is many times
    /// faster. The strips are written raw, after our own horizontal differencing for integers.
    /// </summary>
    private void WriteDeflateStrips(LibTiff tiff, int stripBytes, int strips)
    {
        var compressed = new byte[strips][];
        var rowBytes = _width * _type.Size();
        Parallel.For(0, strips, strip =>
        {
            var offset = strip * stripBytes;
            var data = _slice.AsSpan(offset, Math.Min(stripBytes, _slice.Length - offset));
            if (!_type.IsFloat())
            {
                for (var row = 0; row < data.Length; row += rowBytes)
                {
                    HorizontalDifference(data.Slice(row, rowBytes), _type.Size());
                }
            }
            using var output = new MemoryStream(data.Length / 2);
            using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
            {
                zlib.Write(data);
            }
            compressed[strip] = output.ToArray();
        });
        for (var strip = 0; strip < strips; strip++)
        {
            if (tiff.WriteRawStrip(strip, compressed[strip], 0, compressed[strip].Length) < 0)
            {
                throw new LibTiffException($"writing strip {strip} failed");
            }
        }
    }

    /// <summary>TIFF predictor 2 on one row of little-endian samples: each sample minus its left neighbour, wrapping.</summary>
    private static void HorizontalDifference(Span<byte> row, int size)
    {
        switch (size)
        {
            case 1:
                for (var i = row.Length - 1; i > 0; i--) row[i] -= row[i - 1];
                break;
            case 2:
                var shorts = MemoryMarshal.Cast<byte, ushort>(row);
                for (var i = shorts.Length - 1; i > 0; i--) shorts[i] -= shorts[i - 1];
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, uint>(row);
                for (var i = ints.Length - 1; i > 0; i--) ints[i] -= ints[i - 1];
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(size));
        }
    }

    /// <summary>
    /// ImageDescription JSON: {"shape": [z, y, x], "attributes": {...}}. "shape" (multi-page files only) makes
    /// tifffile read the file as one (z, y, x) series; a stack slice must not carry it.
    /// </summary>
    public static string Description(VolumeShape? shape, IReadOnlyDictionary<string, string> attributes)
    {
        var root = new JsonObject();
        if (shape is { } s)
        {
            root["shape"] = new JsonArray(s.Z, s.Y, s.X);
        }
        if (attributes.Count > 0)
        {
            var attrs = new JsonObject();
            foreach (var (key, value) in attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                attrs[key] = value;
            }
            root["attributes"] = attrs;
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
