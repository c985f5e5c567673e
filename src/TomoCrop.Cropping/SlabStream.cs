using TomoCrop.Volumes;

namespace TomoCrop.Cropping;

/// <summary>
/// Streams a box slab by slab with read-ahead: the next slab is read on a worker thread while the current one is
/// consumed (hashed, written), so reading and writing overlap. Two buffers, each half the configured budget; reads
/// are paced to <see cref="IoLimits.MaxReadBytesPerSecond"/> when one is set.
/// </summary>
public static class SlabStream
{
    public static void ForEach(IVolumeReader reader, VoxelBox box, IoLimits limits, SlabVisitor consume, CancellationToken cancellationToken = default)
    {
        var size = reader.Info.VoxelType.Size();
        var sliceBytes = (long)box.Y.Length * box.X.Length * size;
        if (sliceBytes > limits.MaxSliceBytes)
        {
            throw new VolumeException(reader.Info.Path, $"a slice of the box needs {sliceBytes} bytes, more than the {limits.MaxSliceBytes}-byte limit");
        }
        var perSlab = (int)Math.Min(Math.Max(1, limits.MaxBufferBytes / 2 / sliceBytes), box.Z.Length);
        var pacer = new ReadPacer(limits.MaxReadBytesPerSecond);
        var buffers = new[] { new byte[perSlab * sliceBytes], new byte[perSlab * sliceBytes] };

        Task Read(int z, int count, byte[] buffer) => Task.Run(
            () => reader.ReadBox(box with { Z = new(z, z + count) }, buffer.AsSpan(0, (int)(count * sliceBytes))),
            cancellationToken);

        var z0 = box.Z.Start;
        var firstCount = Math.Min(perSlab, box.Z.Stop - z0);
        var pending = Read(z0, firstCount, buffers[0]);
        var index = 0;
        for (var z = z0; z < box.Z.Stop; z += perSlab, index++)
        {
            var count = Math.Min(perSlab, box.Z.Stop - z);
            pending.GetAwaiter().GetResult();
            pacer.Pace(count * sliceBytes, cancellationToken);
            var nextZ = z + count;
            if (nextZ < box.Z.Stop)
            {
                pending = Read(nextZ, Math.Min(perSlab, box.Z.Stop - nextZ), buffers[(index + 1) % 2]);
            }
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                consume(z, count, buffers[index % 2].AsSpan(0, (int)(count * sliceBytes)));
            }
            catch
            {
                // Never leave a read running into a buffer nobody owns any more.
                try { pending.Wait(); } catch (AggregateException) { }
                throw;
            }
        }
    }
}
