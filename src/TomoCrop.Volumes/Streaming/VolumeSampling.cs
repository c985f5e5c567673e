namespace TomoCrop.Volumes;

/// <summary>Strided and slab-wise reads built on <see cref="IVolumeReader.ReadBox"/>, with bounded buffers.</summary>
public static class VolumeSampling
{
    /// <summary>Shape of the strided subsample of <paramref name="box"/>: every k-th voxel along each axis.</summary>
    public static VolumeShape StridedShape(VoxelBox box, int stepZ, int stepY, int stepX) =>
        new(Ceil(box.Z.Length, stepZ), Ceil(box.Y.Length, stepY), Ceil(box.X.Length, stepX));

    /// <summary>
    /// Reads every stepZ-th slice, stepY-th row and stepX-th column of <paramref name="box"/> into
    /// <paramref name="destination"/> (C-ordered, little-endian). Only one slice window (or one row) is buffered.
    /// </summary>
    public static void ReadStrided(
        IVolumeReader reader, VoxelBox box, int stepZ, int stepY, int stepX, Span<byte> destination, IoLimits? limits = null)
    {
        limits ??= IoLimits.Default;
        if (stepZ < 1 || stepY < 1 || stepX < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(stepZ), "steps must be >= 1");
        }
        var size = reader.Info.VoxelType.Size();
        var outShape = StridedShape(box, stepZ, stepY, stepX);
        if (destination.Length != outShape.VoxelCount * size)
        {
            throw new ArgumentException($"destination must hold {outShape.VoxelCount * size} bytes");
        }
        var windowBytes = (long)box.Y.Length * box.X.Length * size;
        var rowBytes = box.X.Length * size;
        var wholeWindow = windowBytes <= limits.MaxBufferBytes / 4;
        var buffer = new byte[wholeWindow ? windowBytes : rowBytes];
        var outRowBytes = outShape.X * size;
        var written = 0;
        for (var z = box.Z.Start; z < box.Z.Stop; z += stepZ)
        {
            if (wholeWindow)
            {
                reader.ReadBox(box with { Z = new(z, z + 1) }, buffer);
            }
            for (var y = box.Y.Start; y < box.Y.Stop; y += stepY)
            {
                ReadOnlySpan<byte> row;
                if (wholeWindow)
                {
                    row = buffer.AsSpan((int)((long)(y - box.Y.Start) * rowBytes), rowBytes);
                }
                else
                {
                    reader.ReadBox(box with { Z = new(z, z + 1), Y = new(y, y + 1) }, buffer);
                    row = buffer;
                }
                var target = destination.Slice(written, outRowBytes);
                if (stepX == 1)
                {
                    row.CopyTo(target);
                }
                else
                {
                    for (int x = 0, o = 0; x < box.X.Length; x += stepX, o += size)
                    {
                        row.Slice(x * size, size).CopyTo(target.Slice(o, size));
                    }
                }
                written += outRowBytes;
            }
        }
    }

    /// <summary>
    /// Visits <paramref name="box"/> slab by slab (whole box rows, as many slices as the buffer budget allows).
    /// The span handed to <paramref name="visit"/> is reused; copy what must outlive the call.
    /// </summary>
    public static void ForEachSlab(IVolumeReader reader, VoxelBox box, IoLimits limits, SlabVisitor visit)
    {
        var size = reader.Info.VoxelType.Size();
        var sliceBytes = (long)box.Y.Length * box.X.Length * size;
        var perSlab = Math.Min(limits.SlicesPerSlab(sliceBytes), box.Z.Length);
        var buffer = new byte[perSlab * sliceBytes];
        for (var z = box.Z.Start; z < box.Z.Stop; z += perSlab)
        {
            var count = Math.Min(perSlab, box.Z.Stop - z);
            var span = buffer.AsSpan(0, (int)(count * sliceBytes));
            reader.ReadBox(box with { Z = new(z, z + count) }, span);
            visit(z, count, span);
        }
    }

    private static int Ceil(int length, int step) => (length + step - 1) / step;
}

public delegate void SlabVisitor(int firstSlice, int sliceCount, ReadOnlySpan<byte> slab);
