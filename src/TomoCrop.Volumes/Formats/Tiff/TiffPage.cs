namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>TIFF compression schemes we read: lossless ones LibTiff.NET decodes.</summary>
internal enum TiffCompression
{
    None = 1,
    Lzw = 5,
    AdobeDeflate = 8,
    PackBits = 32773,
    Deflate = 32946,
}

/// <summary>One IFD entry: where its values are (inline in <see cref="Inline"/> or at <see cref="ValueOffset"/>).</summary>
internal readonly record struct TiffEntry(ushort Tag, ushort Type, long Count, long ValueOffset, ulong Inline, bool IsInline)
{
    public int TypeSize => TypeSizeOf(Type);

    public static int TypeSizeOf(ushort type) => type switch
    {
        1 or 2 or 6 or 7 => 1,
        3 or 8 => 2,
        4 or 9 or 11 or 13 => 4,
        5 or 10 or 12 or 16 or 17 or 18 => 8,
        _ => 0,
    };
}

/// <summary>
/// One image directory, parsed and validated by us with every size bounded before anything is allocated:
/// a single-sample 8/16/32/64-bit page in strips or tiles. Strip/tile tables are loaded on demand
/// (<see cref="LoadBlockTable"/>) so cheap checks of many pages read only the directory itself.
/// </summary>
internal sealed class TiffPage
{
    private const int MaxEntries = 4096;

    private const ushort TagImageWidth = 256, TagImageLength = 257, TagBitsPerSample = 258, TagCompression = 259,
        TagPhotometric = 262, TagFillOrder = 266, TagStripOffsets = 273, TagSamplesPerPixel = 277, TagRowsPerStrip = 278,
        TagStripByteCounts = 279, TagPlanarConfig = 284, TagPredictor = 317, TagTileWidth = 322, TagTileLength = 323,
        TagTileOffsets = 324, TagTileByteCounts = 325, TagSampleFormat = 339, TagImageDepth = 32997;

    private const ushort TagImageDescription = 270;

    private TiffEntry _offsetsEntry;
    private TiffEntry? _descriptionEntry;
    private TiffEntry _countsEntry;

    public long IfdOffset { get; private init; }

    public long NextIfdOffset { get; private init; }

    public int Width { get; private init; }

    public int Height { get; private init; }

    public VoxelType VoxelType { get; private init; }

    public TiffCompression Compression { get; private init; }

    public int Predictor { get; private init; }

    public bool IsTiled { get; private init; }

    /// <summary>Rows of one strip, or of one tile when tiled.</summary>
    public int BlockHeight { get; private init; }

    /// <summary>Columns of one tile; the image width for strips.</summary>
    public int BlockWidth { get; private init; }

    public int BlocksAcross => IsTiled ? (int)((Width + (long)BlockWidth - 1) / BlockWidth) : 1;

    public int BlocksDown => (int)((Height + (long)BlockHeight - 1) / BlockHeight);

    public int BlockCount => BlocksAcross * BlocksDown;

    public int VoxelSize => VoxelType.Size();

    public long RowBytes => (long)Width * VoxelSize;

    public long SliceBytes => RowBytes * Height;

    /// <summary>Bytes of one decoded block (a full strip, or a full tile with its padding).</summary>
    public long BlockBytes => (long)BlockWidth * BlockHeight * VoxelSize;

    /// <summary>What must match between the slices of one volume.</summary>
    public string Geometry => $"{Width}x{Height} {VoxelType.NumpyName()}";

    /// <summary>Parses and validates the IFD at <paramref name="ifdOffset"/>; <paramref name="context"/> prefixes messages ("page 3: ").</summary>
    public static TiffPage Read(TiffFile file, long ifdOffset, IoLimits limits, string context = "")
    {
        if (ifdOffset < 8 || ifdOffset >= file.Length)
        {
            throw new VolumeException(file.Path, $"{context}image directory offset {ifdOffset} lies outside the {file.Length}-byte file (truncated?)");
        }
        var countSize = file.IsBigTiff ? 8 : 2;
        var entrySize = file.IsBigTiff ? 20 : 12;
        Span<byte> countBytes = stackalloc byte[8];
        file.ReadExactly(ifdOffset, countBytes[..countSize], context);
        var entryCount = file.IsBigTiff ? (long)Math.Min(file.U64(countBytes), long.MaxValue) : file.U16(countBytes);
        if (entryCount < 1 || entryCount > MaxEntries)
        {
            throw new VolumeException(file.Path, $"{context}image directory declares {entryCount} entries (corrupt or not an image directory)");
        }
        var ifdBytes = new byte[(entryCount * entrySize) + file.OffsetSize];
        file.ReadExactly(ifdOffset + countSize, ifdBytes, context);

        var entries = new Dictionary<ushort, TiffEntry>();
        for (var i = 0; i < entryCount; i++)
        {
            var e = ifdBytes.AsSpan(i * entrySize, entrySize);
            var tag = file.U16(e);
            var type = file.U16(e[2..]);
            var count = file.OffsetField(e[4..]);
            var valueField = e[(4 + file.OffsetSize)..];
            var typeSize = TiffEntry.TypeSizeOf(type);
            if (typeSize == 0)
            {
                continue; // an unknown type: LibTiff skips it as well
            }
            if (count < 0 || (Int128)count * typeSize > limits.MaxMetadataBytes)
            {
                throw new VolumeException(file.Path, $"{context}tag {tag} declares {count} values, more than the {limits.MaxMetadataBytes}-byte metadata limit");
            }
            var bytes = count * typeSize;
            var inline = bytes <= file.OffsetSize;
            var offset = inline ? 0 : file.OffsetField(valueField);
            if (!inline && (offset < 0 || offset + bytes > file.Length))
            {
                throw new VolumeException(file.Path, $"{context}tag {tag} values at byte {offset} lie outside the {file.Length}-byte file (truncated?)");
            }
            var raw = file.IsBigTiff ? BitConverter.ToUInt64(valueField) : BitConverter.ToUInt32(valueField);
            entries[tag] = new TiffEntry(tag, type, count, offset, raw, inline);
        }
        var next = file.OffsetField(ifdBytes.AsSpan((int)(entryCount * entrySize)));

        long Scalar(ushort tag, long fallback)
        {
            if (!entries.TryGetValue(tag, out var entry) || entry.Count == 0)
            {
                return fallback;
            }
            if (entry.Type is not (1 or 3 or 4 or 16))
            {
                throw new VolumeException(file.Path, $"{context}tag {tag} has type {entry.Type}, expected an unsigned integer");
            }
            // Multi-valued scalars (BitsPerSample, SampleFormat per sample) only matter with one sample per pixel,
            // where they are inline; out-of-line ones are read just for their first value.
            Span<byte> first = stackalloc byte[8];
            if (entry.IsInline)
            {
                (file.IsBigTiff ? BitConverter.GetBytes(entry.Inline) : BitConverter.GetBytes((uint)entry.Inline)).CopyTo(first);
            }
            else
            {
                file.ReadExactly(entry.ValueOffset, first[..entry.TypeSize], context);
            }
            return entry.Type switch
            {
                1 => first[0],
                3 => file.U16(first),
                4 => file.U32(first),
                _ => (long)Math.Min(file.U64(first), long.MaxValue),
            };
        }

        var width = Scalar(TagImageWidth, 0);
        var height = Scalar(TagImageLength, 0);
        if (width < 1 || height < 1 || width > int.MaxValue || height > int.MaxValue)
        {
            throw new VolumeException(file.Path, $"{context}image size {width}x{height} is missing or invalid");
        }
        var samples = Scalar(TagSamplesPerPixel, 1);
        if (samples != 1)
        {
            throw new VolumeException(file.Path, $"{context}{samples} samples per pixel (RGB or multi-channel); a volume slice must have one");
        }
        var photometric = Scalar(TagPhotometric, 1);
        if (photometric is not (0 or 1))
        {
            throw new VolumeException(file.Path, $"{context}photometric interpretation {photometric} (colour or palette); a volume slice must be greyscale");
        }
        if (Scalar(TagImageDepth, 1) != 1)
        {
            throw new VolumeException(file.Path, $"{context}SGI ImageDepth volumes are not supported");
        }
        var bits = Scalar(TagBitsPerSample, 1);
        var format = Scalar(TagSampleFormat, 1);
        VoxelType? voxelType = (format, bits) switch
        {
            (1, 8) => VoxelType.UInt8,
            (2, 8) => VoxelType.Int8,
            (1, 16) => VoxelType.UInt16,
            (2, 16) => VoxelType.Int16,
            (1, 32) => VoxelType.UInt32,
            (2, 32) => VoxelType.Int32,
            (3, 32) => VoxelType.Float32,
            (3, 64) => VoxelType.Float64,
            _ => null,
        };
        if (voxelType is null)
        {
            var kind = format switch { 1 => "unsigned integer", 2 => "signed integer", 3 => "float", _ => $"sample format {format}" };
            throw new VolumeException(file.Path, $"{context}{bits}-bit {kind} samples are not supported (8/16/32-bit integers, 32/64-bit floats)");
        }
        var size = voxelType.Value.Size();
        if ((Int128)width * height * size > limits.MaxSliceBytes)
        {
            throw new VolumeException(file.Path, $"{context}declared slice {width}x{height}x{size} bytes exceeds the {limits.MaxSliceBytes}-byte slice limit");
        }
        var compressionCode = Scalar(TagCompression, 1);
        if (compressionCode is not (1 or 5 or 8 or 32773 or 32946))
        {
            throw new VolumeException(file.Path, $"{context}compression {compressionCode} is not supported (none, LZW, Deflate, PackBits)");
        }
        var compression = (TiffCompression)compressionCode;
        var predictor = (int)Scalar(TagPredictor, 1);
        if (predictor is not (1 or 2 or 3) || (predictor != 1 && compression is not (TiffCompression.Lzw or TiffCompression.AdobeDeflate or TiffCompression.Deflate)))
        {
            throw new VolumeException(file.Path, $"{context}predictor {predictor} with compression {compressionCode} is not supported");
        }
        if (Scalar(TagFillOrder, 1) != 1)
        {
            throw new VolumeException(file.Path, $"{context}FillOrder 2 (reversed bits) is not supported");
        }
        // PlanarConfiguration is irrelevant with one sample per pixel.
        _ = Scalar(TagPlanarConfig, 1);

        var tiled = entries.ContainsKey(TagTileWidth) || entries.ContainsKey(TagTileOffsets);
        long blockWidth, blockHeight;
        ushort offsetsTag, countsTag;
        if (tiled)
        {
            blockWidth = Scalar(TagTileWidth, 0);
            blockHeight = Scalar(TagTileLength, 0);
            if (blockWidth < 1 || blockHeight < 1 || blockWidth > 1 << 20 || blockHeight > 1 << 20
                || blockWidth * blockHeight * size > limits.MaxSliceBytes)
            {
                throw new VolumeException(file.Path, $"{context}tile size {blockWidth}x{blockHeight} is missing or invalid");
            }
            offsetsTag = TagTileOffsets;
            countsTag = TagTileByteCounts;
        }
        else
        {
            blockWidth = width;
            blockHeight = Math.Clamp(Scalar(TagRowsPerStrip, height), 1, height);
            offsetsTag = TagStripOffsets;
            countsTag = TagStripByteCounts;
        }
        var page = new TiffPage
        {
            IfdOffset = ifdOffset,
            NextIfdOffset = next,
            Width = (int)width,
            Height = (int)height,
            VoxelType = voxelType.Value,
            Compression = compression,
            Predictor = predictor,
            IsTiled = tiled,
            BlockWidth = (int)blockWidth,
            BlockHeight = (int)blockHeight,
        };
        if (entries.TryGetValue(TagImageDescription, out var description) && description.Type == 2)
        {
            page._descriptionEntry = description;
        }
        var blocks = page.BlockCount;
        if (!entries.TryGetValue(offsetsTag, out page._offsetsEntry) || !entries.TryGetValue(countsTag, out page._countsEntry))
        {
            throw new VolumeException(file.Path, $"{context}{(tiled ? "tile" : "strip")} offsets or byte counts are missing");
        }
        if (page._offsetsEntry.Count < blocks || page._countsEntry.Count < blocks
            || page._offsetsEntry.Type is not (3 or 4 or 16) || page._countsEntry.Type is not (3 or 4 or 16))
        {
            throw new VolumeException(file.Path,
                $"{context}{(tiled ? "tile" : "strip")} table has {page._offsetsEntry.Count} offsets and {page._countsEntry.Count} byte counts for {blocks} blocks");
        }
        return page;
    }

    /// <summary>Reads the offsets and byte counts of the page's strips or tiles (bounded by the metadata limit at parse time).</summary>
    public (long[] Offsets, long[] ByteCounts) LoadBlockTable(TiffFile file, string context = "") =>
        (ReadArray(file, _offsetsEntry, BlockCount, context), ReadArray(file, _countsEntry, BlockCount, context));

    /// <summary>The ImageDescription text (ASCII, bounded by the metadata limit at parse time), or null.</summary>
    public string? ReadDescription(TiffFile file, string context = "")
    {
        if (_descriptionEntry is not { } entry || entry.Count == 0)
        {
            return null;
        }
        var bytes = new byte[entry.Count];
        if (entry.IsInline)
        {
            var inline = file.IsBigTiff ? BitConverter.GetBytes(entry.Inline) : BitConverter.GetBytes((uint)entry.Inline);
            inline.AsSpan(0, bytes.Length).CopyTo(bytes);
        }
        else
        {
            file.ReadExactly(entry.ValueOffset, bytes, context);
        }
        return System.Text.Encoding.Latin1.GetString(bytes).TrimEnd('\0');
    }

    /// <summary>Loads the block table and checks every strip or tile lies within the file: the full check of a page.</summary>
    public void CheckBlocksInFile(TiffFile file, string context = "")
    {
        var (offsets, counts) = LoadBlockTable(file, context);
        for (var i = 0; i < offsets.Length; i++)
        {
            var tooShort = Compression == TiffCompression.None
                ? counts[i] < (IsTiled ? BlockBytes : (long)Math.Min(BlockHeight, Height - (i * BlockHeight)) * RowBytes)
                : counts[i] == 0;
            if (tooShort || offsets[i] < 0 || offsets[i] + counts[i] > file.Length)
            {
                throw new VolumeException(file.Path,
                    $"{context}{(IsTiled ? "tile" : "strip")} {i} ({counts[i]} bytes at {offsets[i]}) is empty or lies outside the {file.Length}-byte file (truncated?)");
            }
        }
    }

    private static long[] ReadArray(TiffFile file, TiffEntry entry, int count, string context)
    {
        var size = entry.TypeSize;
        var bytes = new byte[(long)count * size];
        if (entry.IsInline)
        {
            var inline = file.IsBigTiff ? BitConverter.GetBytes(entry.Inline) : BitConverter.GetBytes((uint)entry.Inline);
            inline.AsSpan(0, bytes.Length).CopyTo(bytes);
        }
        else
        {
            file.ReadExactly(entry.ValueOffset, bytes, context);
        }
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            var b = bytes.AsSpan(i * size, size);
            values[i] = entry.Type switch
            {
                3 => file.U16(b),
                4 => file.U32(b),
                _ => (long)Math.Min(file.U64(b), long.MaxValue),
            };
        }
        return values;
    }
}
