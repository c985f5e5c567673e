using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using TomoCrop.Phantoms.Artefacts;
using TomoCrop.Phantoms.Scene;
using TomoCrop.Volumes;

namespace TomoCrop.Phantoms;

/// <summary>
/// Generates phantom volumes slab by slab: a bounded number of slices is simulated in parallel, converted and
/// handed to an <see cref="IVolumeWriter"/>; the whole volume is never in memory. The ground-truth box is
/// accumulated from the exact specimen mask of every slice as it is generated.
/// </summary>
public static class PhantomGenerator
{
    /// <summary>Default slab budget: slices per <see cref="IVolumeWriter.WriteSlices"/> call fit in this many bytes.</summary>
    public const long DefaultSlabBytes = 32L << 20;

    /// <summary>
    /// Writes the phantom of <paramref name="spec"/> to a new volume at <paramref name="path"/> (any format
    /// <see cref="VolumeIO.Create"/> supports) and returns its manifest entry (absolute path). On failure nothing is
    /// left at <paramref name="path"/>.
    /// </summary>
    public static PhantomCase Write(PhantomSpec spec, string path, VolumeWriteOptions options, string? name = null)
    {
        spec.Validate();
        var full = Path.GetFullPath(path);
        var truth = WriteNew(full, spec.Shape, spec.VoxelType, options, writer => Generate(spec, writer, options.Limits));
        return Describe(spec, truth, full, options.Format, name ?? Path.GetFileNameWithoutExtension(full));
    }

    /// <summary>
    /// Streams the phantom into <paramref name="writer"/> (slices, then provenance attributes) without completing it,
    /// and returns the exact ground truth.
    /// </summary>
    public static PhantomTruth Generate(PhantomSpec spec, IVolumeWriter writer, IoLimits? limits = null) =>
        Stream(spec, writer, limits, mask: false);

    /// <summary>
    /// Writes the exact specimen mask (uint8, 1 inside) of <paramref name="spec"/> as a volume: the voxel-level truth
    /// behind the box, for evaluating segmentations or checking the box.
    /// </summary>
    public static PhantomTruth WriteMask(PhantomSpec spec, string path, VolumeWriteOptions options)
    {
        spec.Validate();
        return WriteNew(Path.GetFullPath(path), spec.Shape, VoxelType.UInt8, options, writer => Stream(spec, writer, options.Limits, mask: true));
    }

    private static PhantomTruth Stream(PhantomSpec spec, IVolumeWriter writer, IoLimits? limits, bool mask)
    {
        spec.Validate();
        var voxelType = mask ? VoxelType.UInt8 : spec.VoxelType;
        if (writer.Info.Shape != spec.Shape || writer.Info.VoxelType != voxelType)
        {
            throw new ArgumentException($"writer expects {writer.Info.Shape} {writer.Info.VoxelType.NumpyName()}, phantom is {spec.Shape} {voxelType.NumpyName()}");
        }
        var scene = PhantomScene.Create(spec);
        // The scene depends on the seed, not on the artefacts, so the mask of any spec comes from its ideal slices.
        var simulator = new SliceSimulator(scene, mask ? spec with { Artefacts = spec.Artefacts with { Mode = ArtefactMode.None } } : spec);
        var shape = spec.Shape;
        var slicePixels = (int)shape.SliceVoxels;
        var sliceBytes = slicePixels * voxelType.Size();
        var budget = Math.Min(DefaultSlabBytes, (limits ?? IoLimits.Default).MaxBufferBytes);
        var slab = Math.Clamp(spec.SlabSlices ?? (int)Math.Max(1, budget / sliceBytes), 1, shape.Z);
        var buffer = new byte[(long)slab * sliceBytes];
        var stats = new SliceMaskStats[slab];
        var workspaces = new ConcurrentBag<SliceWorkspace>();
        var total = SliceMaskStats.Empty;
        int zMin = int.MaxValue, zMax = -1;
        for (var z0 = 0; z0 < shape.Z; z0 += slab)
        {
            var count = Math.Min(slab, shape.Z - z0);
            var start = z0;
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                () => workspaces.TryTake(out var w) ? w : simulator.CreateWorkspace(),
                (k, _, w) =>
                {
                    stats[k] = simulator.Simulate(start + k, w);
                    var target = buffer.AsSpan(k * sliceBytes, sliceBytes);
                    if (mask)
                    {
                        w.Mask.AsSpan(0, slicePixels).CopyTo(target);
                    }
                    else
                    {
                        Convert(w.Output.AsSpan(0, slicePixels), target, spec);
                    }
                    return w;
                },
                workspaces.Add);
            writer.WriteSlices(buffer.AsSpan(0, count * sliceBytes), count);
            for (var k = 0; k < count; k++)
            {
                if (stats[k].Count == 0)
                {
                    continue;
                }
                zMin = Math.Min(zMin, start + k);
                zMax = start + k;
                total.Count += stats[k].Count;
                total.YMin = Math.Min(total.YMin, stats[k].YMin);
                total.YMax = Math.Max(total.YMax, stats[k].YMax);
                total.XMin = Math.Min(total.XMin, stats[k].XMin);
                total.XMax = Math.Max(total.XMax, stats[k].XMax);
            }
        }
        var truth = new PhantomTruth(
            total.Count == 0 ? null : new VoxelBox(new(zMin, zMax + 1), new(total.YMin, total.YMax + 1), new(total.XMin, total.XMax + 1)),
            total.Count);
        writer.SetAttributes(Attributes(spec, truth));
        return truth;
    }

    /// <summary>The manifest entry of a generated volume.</summary>
    public static PhantomCase Describe(PhantomSpec spec, PhantomTruth truth, string path, VolumeFormat format, string name) => new()
    {
        Name = name,
        Path = path,
        Format = format.Name(),
        Kind = spec.Variant == PhantomVariant.HolderOnly ? "none" : spec.Kind.Name(),
        Shape = spec.Shape.ToArray(),
        Dtype = spec.VoxelType.NumpyName(),
        BoxZyx = truth.Box?.ToJsonArray(),
        Seed = spec.Seed,
        Variant = spec.Variant.Name(),
        TouchesBorder = truth.TouchesBorder(spec.Shape),
        SpecimenVoxels = truth.SpecimenVoxels,
        Artefacts = spec.Artefacts.Mode.Name(),
        UInt16Range = spec.VoxelType == VoxelType.UInt16 ? [spec.UInt16Range.Low, spec.UInt16Range.High] : null,
    };

    private static Dictionary<string, string> Attributes(PhantomSpec spec, PhantomTruth truth)
    {
        var attributes = new Dictionary<string, string>
        {
            ["phantom_kind"] = spec.Variant == PhantomVariant.HolderOnly ? "none" : spec.Kind.Name(),
            ["phantom_variant"] = spec.Variant.Name(),
            ["phantom_seed"] = spec.Seed.ToString(CultureInfo.InvariantCulture),
            ["phantom_artefacts"] = spec.Artefacts.Mode.Name(),
            ["phantom_box_zyx"] = truth.Box is { } box ? $"[[{box.Z.Start},{box.Z.Stop}],[{box.Y.Start},{box.Y.Stop}],[{box.X.Start},{box.X.Stop}]]" : "null",
        };
        if (spec.VoxelType == VoxelType.UInt16)
        {
            attributes["phantom_uint16_range"] = string.Create(CultureInfo.InvariantCulture, $"[{spec.UInt16Range.Low},{spec.UInt16Range.High}]");
        }
        return attributes;
    }

    private static void Convert(ReadOnlySpan<float> values, Span<byte> target, PhantomSpec spec)
    {
        if (spec.VoxelType == VoxelType.Float32)
        {
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(values).CopyTo(target);
            }
            else
            {
                for (var i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(target[(i * 4)..], values[i]);
                }
            }
            return;
        }
        var (low, high) = spec.UInt16Range;
        var scale = 65535f / (high - low);
        for (var i = 0; i < values.Length; i++)
        {
            var v = MathF.Round((values[i] - low) * scale);
            BinaryPrimitives.WriteUInt16LittleEndian(target[(i * 2)..], (ushort)Math.Clamp(v, 0f, 65535f));
        }
    }

    /// <summary>Creates the volume, fills and completes it; removes what was created when anything fails.</summary>
    private static T WriteNew<T>(string path, VolumeShape shape, VoxelType type, VolumeWriteOptions options, Func<IVolumeWriter, T> fill)
    {
        var sidecar = path + ".json";
        var ownsSidecar = options.Format == VolumeFormat.Raw && !File.Exists(sidecar);
        var writer = VolumeIO.Create(path, shape, type, options);
        try
        {
            T result;
            using (writer)
            {
                result = fill(writer);
                writer.Complete();
            }
            return result;
        }
        catch
        {
            RemovePartialOutput(path, ownsSidecar ? sidecar : null);
            throw;
        }
    }

    private static void RemovePartialOutput(string path, string? sidecar)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path))
            {
                File.Delete(path);
            }
            if (sidecar is not null && File.Exists(sidecar))
            {
                File.Delete(sidecar);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is what the caller needs to see.
        }
    }
}
