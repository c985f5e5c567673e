using TomoCrop.Volumes;

namespace TomoCrop.Watching;

/// <summary>
/// Does a settled volume look completely written? Opens it with its reader (whose checks refuse truncated files:
/// the HDF5 end-of-file address, every TIFF directory and uncompressed slice size, the raw size the sidecar declares)
/// and reads the last row of the last slice (for a TIFF stack, of every slice), the data a writer puts down last.
/// Cheap next to processing: one row per slice, never the volume.
/// </summary>
public static class CompletenessProbe
{
    public static ProbeResult Check(VolumeCandidate candidate, string? datasetPath)
    {
        try
        {
            if (candidate.Format == VolumeFormat.Hdf5 && Hdf5WriterFlags.OpenForWriting(candidate.Path) is { } writing)
            {
                return ProbeResult.Incomplete($"{candidate.Path}: {writing}");
            }
            var options = new VolumeOpenOptions { Format = candidate.Format, DatasetPath = datasetPath };
            using var reader = VolumeIO.Open(candidate.Path, options);
            var shape = reader.Info.Shape;
            var lastRow = new byte[(long)shape.X * reader.Info.VoxelType.Size()];
            var rows = new AxisRange(shape.Y - 1, shape.Y);
            var columns = new AxisRange(0, shape.X);
            // Stack slices are separate files written one by one; a file volume's last slice is the last written.
            var firstChecked = candidate.Format == VolumeFormat.TiffStack ? 0 : shape.Z - 1;
            for (var z = firstChecked; z < shape.Z; z++)
            {
                reader.ReadBox(new VoxelBox(new AxisRange(z, z + 1), rows, columns), lastRow);
            }
            return ProbeResult.Passed;
        }
        catch (VolumeException e)
        {
            return ProbeResult.Incomplete(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ProbeResult.Incomplete($"{candidate.Path}: cannot read: {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A reader's library failing on half-written bytes is one more way of "not complete yet", never a crash.
            return ProbeResult.Incomplete($"{candidate.Path}: {e.GetType().Name}: {e.Message}");
        }
    }
}
