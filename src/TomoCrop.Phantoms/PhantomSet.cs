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
        Directory.CreateDirectory(outputDirectory);
        var manifestPath = Path.Combine(Path.GetFullPath(outputDirectory), PhantomManifest.DefaultFileName);
        if (File.Exists(manifestPath))
        {
            throw new IOException($"{manifestPath}: already exists; refusing to overwrite another phantom set");
        }
        var cases = new List<PhantomCase>();
        var extension = VolumeIO.DefaultExtension(options.Write.Format);
        for (var i = 0; i < count; i++)
        {
            var spec = Spec(i, seed, options);
            var name = $"{i:D3}_{(spec.Variant == PhantomVariant.HolderOnly ? "none" : spec.Kind.Name())}_{spec.Variant.Name()}";
            var phantom = PhantomGenerator.Write(spec, Path.Combine(outputDirectory, name + extension), options.Write, name);
            cases.Add(phantom);
            new PhantomManifest { Cases = cases }.Save(manifestPath);
            options.Progress?.Report(phantom);
        }
        return manifestPath;
    }
}
