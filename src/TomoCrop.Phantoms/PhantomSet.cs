using TomoCrop.Phantoms.Scene;
using TomoCrop.Volumes;

namespace TomoCrop.Phantoms;

/// <summary>What a set of phantoms mixes.</summary>
public sealed record PhantomSetOptions
{
    /// <summary>Volume shapes, used in turn.</summary>
    public IReadOnlyList<VolumeShape> Shapes { get; init; } = [new(128, 128, 128)];

    /// <summary>Specimen kinds, used in turn.</summary>
    public IReadOnlyList<SpecimenKind> Kinds { get; init; } = Enum.GetValues<SpecimenKind>();

    /// <summary>
    /// Variants, used in turn. The default cycle of ten is half standard, with one holder-only, two out-of-view,
    /// one no-holder and one fills-view case.
    /// </summary>
    public IReadOnlyList<PhantomVariant> Variants { get; init; } =
    [
        PhantomVariant.Standard, PhantomVariant.HolderOnly, PhantomVariant.Standard, PhantomVariant.OutOfView, PhantomVariant.Standard,
        PhantomVariant.NoHolder, PhantomVariant.Standard, PhantomVariant.FillsView, PhantomVariant.OutOfView, PhantomVariant.Standard,
    ];

    /// <summary>Voxel types, used in turn.</summary>
    public IReadOnlyList<VoxelType> VoxelTypes { get; init; } = [VoxelType.Float32];

    public (int Min, int Max)? SpecimenSize { get; init; }

    public ArtefactOptions Artefacts { get; init; } = ArtefactOptions.Default;

    public VolumeWriteOptions Write { get; init; } = new() { Format = VolumeFormat.Raw };

    /// <summary>Told of each case once it is complete.</summary>
    public IProgress<PhantomCase>? Progress { get; init; }
}

/// <summary>Generates a mixed, reproducible set of phantoms and their manifest.</summary>
public static class PhantomSet
{
    /// <summary>The spec of case <paramref name="index"/> of a set (the same for the same seed and options).</summary>
    public static PhantomSpec Spec(int index, long seed, PhantomSetOptions options) => new()
    {
        Kind = options.Kinds[index % options.Kinds.Count],
        Shape = options.Shapes[index % options.Shapes.Count],
        VoxelType = options.VoxelTypes[index % options.VoxelTypes.Count],
        Variant = options.Variants[index % options.Variants.Count],
        // Small enough to survive any JSON reader (below 2^31) and to be typed back on a command line.
        Seed = (long)(Rng.Mix((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index) >> 33),
        SpecimenSize = options.SpecimenSize,
        Artefacts = options.Artefacts,
    };

    /// <summary>
    /// Writes <paramref name="count"/> phantoms into <paramref name="outputDirectory"/> (created if missing) and returns
    /// the path of its manifest.json, which is rewritten after every case so an interrupted run still lists what is done.
    /// </summary>
    public static string Generate(string outputDirectory, int count, long seed, PhantomSetOptions? options = null)
    {
        options ??= new PhantomSetOptions();
        if (count < 1)
        {
            throw new ArgumentException($"phantom count must be at least 1, not {count}");
        }
        if (options.Shapes.Count == 0 || options.Kinds.Count == 0 || options.Variants.Count == 0 || options.VoxelTypes.Count == 0)
        {
            throw new ArgumentException("phantom set needs at least one shape, kind, variant and voxel type");
        }
        var cases = Enumerable.Range(0, count).Select(i => Spec(i, seed, options)).Select(spec => new NamedSpec(
            spec.Variant == PhantomVariant.HolderOnly ? "none" : spec.Kind.Name(), spec.Variant.Name(), spec));
        return Generate(outputDirectory, cases, options.Write, options.Progress);
    }

    /// <summary>
    /// Writes the given cases (named <c>NNN_kind_label</c>) into <paramref name="outputDirectory"/> and returns the
    /// path of its manifest.json, rewritten after every case so an interrupted run still lists what is done.
    /// </summary>
    public static string Generate(string outputDirectory, IEnumerable<NamedSpec> cases, VolumeWriteOptions write, IProgress<PhantomCase>? progress = null)
    {
        var list = cases.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("phantom set needs at least one case");
        }
        Directory.CreateDirectory(outputDirectory);
        var manifestPath = Path.Combine(Path.GetFullPath(outputDirectory), PhantomManifest.DefaultFileName);
        if (File.Exists(manifestPath))
        {
            throw new IOException($"{manifestPath}: already exists; refusing to overwrite another phantom set");
        }
        var written = new List<PhantomCase>();
        var extension = VolumeIO.DefaultExtension(write.Format);
        foreach (var (spec, i) in list.Select((c, i) => (c, i)))
        {
            var name = $"{i:D3}_{spec.Kind}_{spec.Label}";
            var phantom = PhantomGenerator.Write(spec.Spec, Path.Combine(outputDirectory, name + extension), write, name);
            written.Add(phantom);
            new PhantomManifest { Cases = written }.Save(manifestPath);
            progress?.Report(phantom);
        }
        return manifestPath;
    }
}

/// <summary>One case of a set: kind and label name the file (<c>NNN_kind_label</c>).</summary>
public sealed record NamedSpec(string Kind, string Label, PhantomSpec Spec);
