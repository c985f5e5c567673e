using TomoCrop.Volumes;

namespace TomoCrop.Phantoms;

/// <summary>The organism-like specimens a phantom can hold.</summary>
public enum SpecimenKind
{
    /// <summary>Ellipsoidal embryo: cell-textured body, yolk mass, two eyes, neural tube, notochord, somites.</summary>
    Embryo,

    /// <summary>Fish larva: tapered body, chain of vertebrae, head with eyes and otoliths, fins, swim bladder (air).</summary>
    Fish,

    /// <summary>A cluster of cell-like blobs, each with a denser nucleus.</summary>
    Cells,
}

/// <summary>Scene layouts that exercise a localizer's failure modes.</summary>
public enum PhantomVariant
{
    /// <summary>Specimen inside the holder, wholly inside the field of view.</summary>
    Standard,

    /// <summary>Holder, medium and bubbles only: there is nothing to find (ground-truth box is null).</summary>
    HolderOnly,

    /// <summary>The specimen is larger than the field of view: nothing to crop, the box is (almost) the whole volume.</summary>
    FillsView,

    /// <summary>The specimen runs out of the field of view across one or more borders; the box is clipped to the volume.</summary>
    OutOfView,

    /// <summary>No tube: the specimen lies in air or in medium that fills the field of view.</summary>
    NoHolder,

    /// <summary>Specimen inside the holder, pressed against the tube's inner wall (within a voxel of it).</summary>
    TouchingWall,
}

/// <summary>How reconstruction artefacts are produced.</summary>
public enum ArtefactMode
{
    /// <summary>The ideal (noise-free) density; useful for checking geometry.</summary>
    None,

    /// <summary>Correlated noise, rings and streaks drawn in image space: fast, for large volumes and tests.</summary>
    Approximate,

    /// <summary>Per axial slice: parallel-beam projection, photon noise, detector defects, filtered back-projection.</summary>
    Reconstruction,
}

/// <summary>Apodisation window applied to the ramp filter of the filtered back-projection.</summary>
public enum ReconstructionFilter
{
    Ramp,
    SheppLogan,
}

/// <summary>Artefact settings; the defaults give a moderately noisy synchrotron-like reconstruction.</summary>
public sealed record ArtefactOptions
{
    public static ArtefactOptions Default { get; } = new();

    public ArtefactMode Mode { get; init; } = ArtefactMode.Reconstruction;

    /// <summary>Projections over 180°; null = the detector width (slightly under-sampled, as most scans are).</summary>
    public int? Angles { get; init; }

    /// <summary>Photons per detector pixel in the flat field; fewer photons = more noise. 0 disables noise.</summary>
    public double Photons { get; init; } = 4000;

    /// <summary>Strength of per-detector-pixel gain/offset errors (ring artefacts); 0 disables rings.</summary>
    public double RingStrength { get; init; } = 1.0;

    /// <summary>Beam hardening of dense inclusions plus a few bad (missing or over-exposed) projections.</summary>
    public bool Streaks { get; init; } = true;

    /// <summary>Edge fringes of propagation-based phase contrast, as in synchrotron data; 0 disables them.</summary>
    public double PhaseContrast { get; init; } = 0.6;

    public ReconstructionFilter Filter { get; init; } = ReconstructionFilter.SheppLogan;

    /// <summary>Set voxels outside the reconstruction circle to zero (tomopy's circ_mask) instead of leaving reconstruction noise.</summary>
    public bool ZeroOutsideCircle { get; init; }
}

/// <summary>Everything that determines one phantom volume; the same spec always gives the same bytes.</summary>
public sealed record PhantomSpec
{
    public SpecimenKind Kind { get; init; } = SpecimenKind.Embryo;

    public VolumeShape Shape { get; init; } = new(128, 128, 128);

    /// <summary>Float32 (attenuation-like values) or UInt16 (scaled by <see cref="UInt16Range"/>).</summary>
    public VoxelType VoxelType { get; init; } = VoxelType.Float32;

    public PhantomVariant Variant { get; init; } = PhantomVariant.Standard;

    public long Seed { get; init; } = 1;

    /// <summary>Smallest and largest specimen extent (longest axis, voxels); null = about 30–65 % of the volume's smaller lateral side.</summary>
    public (int Min, int Max)? SpecimenSize { get; init; }

    public ArtefactOptions Artefacts { get; init; } = ArtefactOptions.Default;

    /// <summary>
    /// Specimen contrast against its surroundings: 1 as modelled, 0.3 a weakly absorbing specimen whose tissue lies
    /// only 30% as far from the medium (or air) as modelled; dense grains keep their density (they make the streaks).
    /// </summary>
    public double SpecimenContrast { get; init; } = 1.0;

    /// <summary>Float values mapped linearly onto 0..65535 for uint16 output (clamped outside).</summary>
    public (float Low, float High) UInt16Range { get; init; } = (-0.25f, 1.25f);

    /// <summary>Slices generated and handed to the writer at a time; null = as many as fit 32 MiB (at least 1).</summary>
    public int? SlabSlices { get; init; }

    /// <summary>Checks the spec; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public void Validate()
    {
        if (Shape.IsEmpty)
        {
            throw new ArgumentException($"phantom shape {Shape} is empty");
        }
        // Per-thread scratch grows with the slice (the simulated scan covers 1.5x the view); keep it to a few hundred MiB.
        var side = Math.Max(Shape.Y, Shape.X);
        if (side > 8192)
        {
            throw new ArgumentException($"phantom slice {Shape.Y}x{Shape.X} is larger than 8192x8192");
        }
        if (Artefacts.Mode == ArtefactMode.Reconstruction && side > 4096)
        {
            throw new ArgumentException($"simulated reconstruction of {Shape.Y}x{Shape.X} slices is limited to 4096x4096; use approximate artefacts");
        }
        if (VoxelType is not (VoxelType.Float32 or VoxelType.UInt16))
        {
            throw new ArgumentException($"phantom voxel type must be float32 or uint16, not {VoxelType.NumpyName()}");
        }
        if (SpecimenSize is { } size && (size.Min < 4 || size.Max < size.Min))
        {
            throw new ArgumentException($"specimen size range {size.Min}-{size.Max} is invalid (need 4 <= min <= max)");
        }
        if (Artefacts.Angles is { } angles && (angles < 8 || angles > 20000))
        {
            throw new ArgumentException($"{angles} projection angles is outside 8..20000");
        }
        if (Artefacts.Photons < 0 || Artefacts.RingStrength < 0 || Artefacts.PhaseContrast < 0)
        {
            throw new ArgumentException("photons, ring strength and phase contrast must not be negative");
        }
        if (!(SpecimenContrast > 0 && SpecimenContrast <= 4))
        {
            throw new ArgumentException($"specimen contrast {SpecimenContrast} is outside (0, 4]");
        }
        if (!(UInt16Range.High > UInt16Range.Low))
        {
            throw new ArgumentException("uint16 range must have high > low");
        }
        if (SlabSlices is < 1)
        {
            throw new ArgumentException("slab slices must be at least 1");
        }
    }
}

/// <summary>Lower-case names used in manifests and on the command line.</summary>
public static class PhantomNames
{
    public static string Name(this SpecimenKind kind) => kind switch
    {
        SpecimenKind.Embryo => "embryo",
        SpecimenKind.Fish => "fish",
        SpecimenKind.Cells => "cells",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Name(this PhantomVariant variant) => variant switch
    {
        PhantomVariant.Standard => "standard",
        PhantomVariant.HolderOnly => "holder-only",
        PhantomVariant.FillsView => "fills-view",
        PhantomVariant.OutOfView => "out-of-view",
        PhantomVariant.NoHolder => "no-holder",
        PhantomVariant.TouchingWall => "touching-wall",
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    public static string Name(this ArtefactMode mode) => mode switch
    {
        ArtefactMode.None => "none",
        ArtefactMode.Approximate => "approximate",
        ArtefactMode.Reconstruction => "fbp",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static bool TryParseKind(string text, out SpecimenKind kind) => TryParse(text, Enum.GetValues<SpecimenKind>(), Name, out kind);

    public static bool TryParseVariant(string text, out PhantomVariant variant) => TryParse(text, Enum.GetValues<PhantomVariant>(), Name, out variant);

    public static bool TryParseArtefactMode(string text, out ArtefactMode mode) => TryParse(text, Enum.GetValues<ArtefactMode>(), Name, out mode);

    private static bool TryParse<T>(string text, T[] values, Func<T, string> name, out T result)
        where T : struct, Enum
    {
        var wanted = text.Trim().ToLowerInvariant().Replace('_', '-');
        foreach (var value in values)
        {
            if (name(value) == wanted || value.ToString().Equals(wanted.Replace("-", ""), StringComparison.OrdinalIgnoreCase))
            {
                result = value;
                return true;
            }
        }
        result = default;
        return false;
    }
}
