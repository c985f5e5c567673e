using TomoCrop.Cropping.Provenance;
using TomoCrop.Cropping.Publishing;
using TomoCrop.Volumes;

namespace TomoCrop.Cropping;

public sealed record UncropResult(string OutputPath, VolumeShape Shape, VoxelBox Box, string BoxHash, bool MatchesSourceHash);

/// <summary>
/// Rebuilds a volume of the original shape from a crop (fill outside the box), so anyone can compare a crop with
/// its original voxel for voxel. The box region of the result is hashed again and checked against the record.
/// </summary>
public static class Uncropper
{
    public static UncropResult Uncrop(string cropPath, string outputPath, double fill, VolumeFormat? format = null,
        OutputCompression compression = OutputCompression.None, IoLimits? limits = null)
    {
        limits ??= IoLimits.Default;
        var recordPath = CropRecord.PathFor(cropPath);
        if (!File.Exists(recordPath))
        {
            throw new VolumeException(cropPath, $"no crop record {Path.GetFileName(recordPath)} beside it; not a tomocrop crop");
        }
        var record = CropRecord.Load(recordPath);
        OutputPathGuard.Check(cropPath, outputPath);
        var shape = record.SourceShape;
        var box = record.Box;
        using var crop = VolumeIO.Open(cropPath, new VolumeOpenOptions { DatasetPath = record.OutputDataset, Limits = limits });
        if (crop.Info.Shape != box.Shape)
        {
            throw new VolumeException(cropPath, $"crop has shape {crop.Info.Shape} but its record's box is {box.Shape}");
        }
        var type = crop.Info.VoxelType;
        byte[] fillVoxel;
        try
        {
            fillVoxel = FillValue.Encode(fill, type);
        }
        catch (ArgumentException e)
        {
            throw new VolumeException(cropPath, e.Message, e);
        }
        var outputFormat = format ?? crop.Info.Format;
        var writeOptions = new VolumeWriteOptions
        {
            Format = outputFormat,
            Compression = compression,
            DatasetPath = record.SourceDataset ?? "/exchange/data",
            ByteOrder = crop.Info.ByteOrder,
            SliceStem = Path.GetFileNameWithoutExtension(outputPath.TrimEnd('/')),
            Limits = limits,
        };

        using var output = AtomicOutput.BeginVolume(outputPath, outputFormat);
        var size = type.Size();
        var sliceBytes = shape.SliceVoxels * size;
        var perSlab = (int)Math.Min(limits.SlicesPerSlab(sliceBytes), shape.Z);
        var slab = new byte[perSlab * sliceBytes];
        var boxRowBytes = box.X.Length * size;
        var cropSlice = new byte[(long)box.Y.Length * boxRowBytes];
        using (var writer = VolumeIO.Create(output.TemporaryPath, shape, type, writeOptions))
        {
            for (var z = 0; z < shape.Z; z += perSlab)
            {
                var count = Math.Min(perSlab, shape.Z - z);
                var span = slab.AsSpan(0, (int)(count * sliceBytes));
                FillValue.Fill(span, fillVoxel);
                for (var zi = Math.Max(z, box.Z.Start); zi < Math.Min(z + count, box.Z.Stop); zi++)
                {
                    crop.ReadBox(VoxelBox.Full(crop.Info.Shape) with { Z = new(zi - box.Z.Start, zi - box.Z.Start + 1) }, cropSlice);
                    for (var y = 0; y < box.Y.Length; y++)
                    {
                        var target = ((zi - z) * sliceBytes) + ((((long)(y + box.Y.Start)) * shape.X + box.X.Start) * size);
                        cropSlice.AsSpan(y * boxRowBytes, boxRowBytes).CopyTo(span[(int)target..]);
                    }
                }
                writer.WriteSlices(span, count);
            }
            writer.SetAttributes(new Dictionary<string, string>
            {
                ["tomocrop_uncropped_from"] = Path.GetFullPath(cropPath),
                ["tomocrop_fill_value"] = fill.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            writer.Complete();
        }

        string boxHash;
        using (var readBack = VolumeIO.Open(output.TemporaryPath, new VolumeOpenOptions { Format = outputFormat, DatasetPath = writeOptions.DatasetPath, Limits = limits }))
        {
            var hash = new VoxelHash();
            SlabStream.ForEach(readBack, box, limits, (_, _, data) => hash.Append(data));
            boxHash = hash.HexDigest();
        }
        if (boxHash != record.OutputHash)
        {
            throw new VolumeException(outputPath, $"rebuilt volume's box hashes to {boxHash}, the crop record says {record.OutputHash}; nothing published");
        }
        output.Publish();
        return new UncropResult(output.FinalPath, shape, box, boxHash, boxHash == record.SourceHash);
    }
}
