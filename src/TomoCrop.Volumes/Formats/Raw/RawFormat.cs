using Microsoft.Win32.SafeHandles;

namespace TomoCrop.Volumes.Formats.Raw;

/// <summary>Raw voxels in C order with a JSON sidecar; read by positioned reads of just the box's rows.</summary>
internal sealed class RawFormat : IVolumeFormatHandler
{
    public VolumeFormat Format => VolumeFormat.Raw;

    public IVolumeReader Open(string path, VolumeOpenOptions options)
    {
        var sidecarPath = RawSidecar.Find(path)
            ?? throw new VolumeException(path, "raw volume has no sidecar (expected NAME.raw.json or NAME.json beside it)");
        var sidecar = RawSidecar.Load(sidecarPath, options.Limits);
        var info = new VolumeInfo(path, VolumeFormat.Raw, sidecar.Shape, sidecar.VoxelType, sidecar.ByteOrder);
        if (info.SliceBytes > options.Limits.MaxSliceBytes)
        {
            throw new VolumeException(sidecarPath, $"declared slice of {info.SliceBytes} bytes exceeds the {options.Limits.MaxSliceBytes}-byte limit");
        }
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(path, $"cannot open: {e.Message}", e);
        }
        var expected = sidecar.Offset + info.TotalBytes;
        var actual = RandomAccess.GetLength(handle);
        if (actual != expected)
        {
            handle.Dispose();
            var what = actual < expected ? "truncated" : "larger than declared";
            throw new VolumeException(path,
                $"{what}: sidecar declares {sidecar.Shape} {sidecar.VoxelType.NumpyName()} ({expected} bytes with offset {sidecar.Offset}) but the file has {actual} bytes");
        }
        return new RawVolumeReader(info, handle, sidecar.Offset);
    }

    public IVolumeWriter Create(string path, VolumeShape shape, VoxelType voxelType, VolumeWriteOptions options) =>
        new RawVolumeWriter(path, new VolumeInfo(path, VolumeFormat.Raw, shape, voxelType, options.ByteOrder));

    /// <summary>The sidecar a raw writer creates beside <paramref name="dataPath"/>.</summary>
    public static string SidecarPathFor(string dataPath) => dataPath + ".json";
}

internal sealed class RawVolumeReader(VolumeInfo info, SafeFileHandle handle, long dataOffset) : IVolumeReader
{
    /// <summary>Largest row span read in one go for a narrow window (one slice's rows at most, bounded).</summary>
    private const long RowSpanLimit = 64L << 20;

    private byte[] _rowSpan = [];

    public VolumeInfo Info { get; } = info;

    public void ReadBox(VoxelBox box, Span<byte> destination)
    {
        var shape = Info.Shape;
        Info.CheckBoxRead(box, destination.Length);
        var size = Info.VoxelType.Size();
        var rowBytes = box.X.Length * size;
        var fullRows = box.X.Length == shape.X;
        var fullSlices = fullRows && box.Y.Length == shape.Y;
        var written = 0;
        if (fullSlices)
        {
            // The box is one contiguous run of whole slices.
            ReadExactly(Offset(box.Z.Start, 0, 0), destination);
            written = destination.Length;
        }
        else
        {
            for (var z = box.Z.Start; z < box.Z.Stop; z++)
            {
                if (fullRows)
                {
                    var bytes = box.Y.Length * rowBytes;
                    ReadExactly(Offset(z, box.Y.Start, 0), destination.Slice(written, bytes));
                    written += bytes;
                    continue;
                }
                // Narrow windows: one read spanning the rows (from the window's first voxel to its last), then the
                // window is picked out of it. A read per row would be one small syscall per row, ~10x slower.
                var spanBytes = ((box.Y.Length - 1) * (long)shape.X * size) + rowBytes;
                if (spanBytes <= RowSpanLimit)
                {
                    if (_rowSpan.Length < spanBytes)
                    {
                        _rowSpan = new byte[spanBytes];
                    }
                    var span = _rowSpan.AsSpan(0, (int)spanBytes);
                    ReadExactly(Offset(z, box.Y.Start, box.X.Start), span);
                    for (var y = 0; y < box.Y.Length; y++)
                    {
                        span.Slice((int)((long)y * shape.X * size), rowBytes).CopyTo(destination.Slice(written, rowBytes));
                        written += rowBytes;
                    }
                    continue;
                }
                for (var y = box.Y.Start; y < box.Y.Stop; y++)
                {
                    ReadExactly(Offset(z, y, box.X.Start), destination.Slice(written, rowBytes));
                    written += rowBytes;
                }
            }
        }
        if (ByteSwap.Needed(Info.ByteOrder))
        {
            ByteSwap.InPlace(destination, size);
        }
    }

    private long Offset(int z, int y, int x) =>
        dataOffset + ((((long)z * Info.Shape.Y) + y) * Info.Shape.X + x) * Info.VoxelType.Size();

    private void ReadExactly(long offset, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n;
            try
            {
                n = RandomAccess.Read(handle, buffer, offset);
            }
            catch (IOException e)
            {
                throw new VolumeException(Info.Path, $"read failed at byte {offset}: {e.Message}", e);
            }
            if (n == 0)
            {
                throw new VolumeException(Info.Path, $"truncated: unexpected end of file at byte {offset}");
            }
            buffer = buffer[n..];
            offset += n;
        }
    }

    public void Dispose() => handle.Dispose();
}

internal sealed class RawVolumeWriter : IVolumeWriter
{
    private readonly FileStream _stream;
    private readonly Dictionary<string, string> _attributes = new(StringComparer.Ordinal);
    private byte[] _swapBuffer = [];
    private long _slicesWritten;

    public RawVolumeWriter(string path, VolumeInfo info)
    {
        Info = info;
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 20);
    }

    public VolumeInfo Info { get; }

    public void WriteSlices(ReadOnlySpan<byte> slices, int sliceCount)
    {
        if (slices.Length != sliceCount * Info.SliceBytes)
        {
            throw new ArgumentException("slice data does not match the slice count");
        }
        if (_slicesWritten + sliceCount > Info.Shape.Z)
        {
            throw new InvalidOperationException("more slices written than the volume has");
        }
        if (ByteSwap.Needed(Info.ByteOrder))
        {
            if (_swapBuffer.Length < slices.Length)
            {
                _swapBuffer = new byte[slices.Length];
            }
            var swapped = _swapBuffer.AsSpan(0, slices.Length);
            slices.CopyTo(swapped);
            ByteSwap.InPlace(swapped, Info.VoxelType.Size());
            _stream.Write(swapped);
        }
        else
        {
            _stream.Write(slices);
        }
        _slicesWritten += sliceCount;
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
        _stream.Flush(flushToDisk: true);
        RawSidecar.Write(RawFormat.SidecarPathFor(Info.Path), Info.Shape, Info.VoxelType, Info.ByteOrder, _attributes);
    }

    public void Dispose() => _stream.Dispose();
}
