using System.Diagnostics;
using TomoCrop.Cropping.Provenance;
using TomoCrop.Cropping.Publishing;
using TomoCrop.Volumes;

namespace TomoCrop.Cropping;

/// <summary>
/// Crop → verify → publish. Copies exactly the voxels of a box into a new volume under a hidden temporary name,
/// reads it back and compares XxHash128 digests, checks the source did not change meanwhile, then publishes the
/// volume and its OUTPUT.crop.json atomically. Nothing appears under a final name unless it verified.
/// </summary>
public sealed class Cropper(TimeProvider timeProvider)
{
    public Cropper()
        : this(TimeProvider.System)
    {
    }

    public CropRecord Crop(CropRequest request, CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetUtcNow().UtcDateTime;
        var clock = Stopwatch.StartNew();
        OutputPathGuard.Check(request.InputPath, request.OutputPath);

        var sourceIdentity = IdentityOf(request.InputPath);
        using var reader = VolumeIO.Open(request.InputPath, request.Open with { Limits = request.Limits });
        var info = reader.Info;
        if (!request.Box.FitsIn(info.Shape))
        {
            throw new VolumeException(request.InputPath, $"box {request.Box} is empty or lies outside the volume {info.Shape}");
        }
        var outputFormat = request.OutputFormat ?? info.Format;
        var datasetPath = request.OutputDatasetPath ?? info.DatasetPath ?? "/exchange/data";
        var writeOptions = new VolumeWriteOptions
        {
            Format = outputFormat,
            Compression = request.Compression,
            DatasetPath = datasetPath,
            ByteOrder = info.ByteOrder,
            SliceStem = SliceStemFor(request.OutputPath),
            Limits = request.Limits,
        };

        using var output = AtomicOutput.BeginVolume(request.OutputPath, outputFormat);
        var recordTemporary = output.AddCompanion(CropRecord.PathFor(output.FinalPath));

        var provenance = new Dictionary<string, object?>
        {
            ["source_path"] = Path.GetFullPath(request.InputPath),
            ["source_format"] = info.Format.Name(),
            ["source_dataset"] = info.DatasetPath,
            ["source_shape_zyx"] = info.Shape.ToArray(),
            ["box_zyx"] = request.Box.ToJsonArray(),
            ["dtype"] = info.VoxelType.NumpyName(),
            ["source_size_bytes"] = sourceIdentity.SizeBytes,
            ["source_mtime_utc"] = sourceIdentity.ModifiedUtc,
            ["source_inode"] = sourceIdentity.Inode,
            ["tool_version"] = ToolInfo.Version,
            ["created_utc"] = started,
        };

        var sourceHash = new VoxelHash();
        using (var writer = VolumeIO.Create(output.TemporaryPath, request.Box.Shape, info.VoxelType, writeOptions))
        {
            long copied = 0;
            SlabStream.ForEach(reader, request.Box, request.Limits, (_, count, slab) =>
            {
                sourceHash.Append(slab);
                writer.WriteSlices(slab, count);
                copied += count;
                Report(request, CropStage.Copying, copied, output.TemporaryPath);
            }, cancellationToken);
            provenance["xxhash128_source"] = sourceHash.HexDigest();
            writer.SetAttributes(CropRecord.AttributesFrom(provenance));
            writer.Complete();
        }
        Report(request, CropStage.Written, request.Box.Z.Length, output.TemporaryPath);

        // The copy's slab buffers are garbage now; reclaim them before the read-back allocates its own, so peak
        // memory is one phase's buffers, not two.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var outputHash = ReadBackHash(output.TemporaryPath, writeOptions, request, info, cancellationToken);
        if (outputHash != sourceHash.HexDigest())
        {
            throw new VolumeException(request.OutputPath,
                $"verification failed: output reads back as xxhash128 {outputHash}, source box was {sourceHash.HexDigest()}; nothing published");
        }
        if (IdentityOf(request.InputPath) != sourceIdentity)
        {
            throw new VolumeException(request.InputPath, "source changed while it was being cropped (still being written?); nothing published");
        }

        Report(request, CropStage.Verified, request.Box.Z.Length, output.TemporaryPath);

        var outputBytes = SizeOnDisk(output.TemporaryPath) + (outputFormat == VolumeFormat.Raw ? SizeOnDisk(output.TemporaryPath + ".json") : 0);
        var boxBytes = request.Box.VoxelCount * info.VoxelType.Size();
        var record = new CropRecord
        {
            ToolVersion = ToolInfo.Version,
            SourcePath = Path.GetFullPath(request.InputPath),
            SourceFormat = info.Format.Name(),
            SourceDataset = info.DatasetPath,
            SourceShapeZyx = info.Shape.ToArray(),
            Dtype = info.VoxelType.NumpyName(),
            SourceByteOrder = info.ByteOrder == ByteOrder.Little ? "little" : "big",
            SourceSizeBytes = sourceIdentity.SizeBytes,
            SourceModifiedUtc = sourceIdentity.ModifiedUtc,
            SourceInode = sourceIdentity.Inode,
            SourceDevice = sourceIdentity.Device,
            BoxZyx = request.Box.ToJsonArray(),
            OutputPath = output.FinalPath,
            OutputFormat = outputFormat.Name(),
            OutputDataset = outputFormat == VolumeFormat.Hdf5 ? datasetPath : null,
            OutputCompression = request.Compression.ToString().ToLowerInvariant(),
            BoxBytes = boxBytes,
            OutputSizeBytes = outputBytes,
            CompressionRatio = Math.Round((double)boxBytes / Math.Max(1, outputBytes), 4),
            SavedFraction = Math.Round(1.0 - ((double)outputBytes / Math.Max(1, sourceIdentity.SizeBytes)), 6),
            SourceHash = sourceHash.HexDigest(),
            OutputHash = outputHash,
            Verified = true,
            StartedUtc = started,
            FinishedUtc = timeProvider.GetUtcNow().UtcDateTime,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            Localization = request.Localization,
        };
        File.WriteAllText(recordTemporary, record.ToJson());
        cancellationToken.ThrowIfCancellationRequested();
        output.Publish();
        Report(request, CropStage.Published, request.Box.Z.Length, output.FinalPath);
        return record;
    }

    private static void Report(CropRequest request, CropStage stage, long done, string path) =>
        request.OnProgress?.Invoke(new CropProgress(stage, done, request.Box.Z.Length, path));

    private static string ReadBackHash(
        string temporaryPath, VolumeWriteOptions written, CropRequest request, VolumeInfo source, CancellationToken cancellationToken)
    {
        if (request.VerifyFromStorage)
        {
            foreach (var file in FilesOf(temporaryPath))
            {
                Posix.EvictFromPageCache(file);
            }
        }
        using var readBack = VolumeIO.Open(temporaryPath, new VolumeOpenOptions
        {
            Format = written.Format,
            DatasetPath = written.Format == VolumeFormat.Hdf5 ? written.DatasetPath : null,
            Limits = request.Limits,
        });
        if (readBack.Info.Shape != request.Box.Shape || readBack.Info.VoxelType != source.VoxelType)
        {
            throw new VolumeException(request.OutputPath,
                $"verification failed: output reads back as {readBack.Info.Shape} {readBack.Info.VoxelType.NumpyName()}, expected {request.Box.Shape} {source.VoxelType.NumpyName()}");
        }
        var hash = new VoxelHash();
        long verified = 0;
        SlabStream.ForEach(readBack, VoxelBox.Full(readBack.Info.Shape), request.Limits, (_, count, slab) =>
        {
            hash.Append(slab);
            verified += count;
            Report(request, CropStage.Verifying, verified, temporaryPath);
        }, cancellationToken);
        return hash.HexDigest();
    }

    private static FileIdentity IdentityOf(string path)
    {
        try
        {
            return FileIdentity.Of(path);
        }
        catch (IOException e)
        {
            throw new VolumeException(path, e.Message.Replace(path + ": ", string.Empty, StringComparison.Ordinal), e);
        }
    }

    /// <summary>Slice names of a TIFF stack output follow the output directory's name.</summary>
    private static string SliceStemFor(string outputPath)
    {
        var name = Path.GetFileName(outputPath.TrimEnd('/'));
        var stem = Path.GetFileNameWithoutExtension(name);
        return string.IsNullOrEmpty(stem) ? "slice" : stem;
    }

    internal static IEnumerable<string> FilesOf(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path) : [path];

    internal static long SizeOnDisk(string path) =>
        Directory.Exists(path) ? FilesOf(path).Sum(f => new FileInfo(f).Length) : File.Exists(path) ? new FileInfo(path).Length : 0;
}
