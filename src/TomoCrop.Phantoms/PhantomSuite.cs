using TomoCrop.Volumes;

namespace TomoCrop.Phantoms;

/// <summary>
/// A fixed evaluation suite that covers every kind of scan the product meets, one case per row, so a
/// localizer that cuts a specimen in any of them shows up by name: both voxel types, bubbles, holder-only,
/// fills-view, out-of-view, no holder, a specimen against the tube wall, small specimens (40–80 voxels), strong
/// rings, high noise with streaks, weak contrast, a masked reconstruction circle and non-cubic volumes.
/// </summary>
public static class PhantomSuite
{
    /// <summary>Suite names accepted by <see cref="Varied"/>'s command-line spelling.</summary>
    public const string VariedName = "varied";

    /// <summary>
    /// The varied suite for volumes of about <paramref name="side"/>³ (non-cubic cases stretch one axis by ~1.17 or
    /// squeeze x by ~0.8); every spec's seed derives from <paramref name="seed"/>, so another seed gives an independent set.
    /// </summary>
    public static IReadOnlyList<NamedSpec> Varied(int side, long seed)
    {
        if (side < 32)
        {
            throw new ArgumentException($"suite side {side} is below 32 voxels");
        }
        var cube = new VolumeShape(side, side, side);
        var tall = new VolumeShape((int)Math.Round(side * 1.17), side, side);
        var narrow = new VolumeShape(side, side, (int)Math.Round(side * 0.8));
        var standard = ArtefactOptions.Default;
        var rings = standard with { RingStrength = 5.0 };
        var noisy = standard with { Photons = 500 };
        var masked = standard with { ZeroOutsideCircle = true };
        var small = (40, 80);
        var index = 0;
        NamedSpec Case(SpecimenKind kind, PhantomVariant variant, string label, VoxelType type = VoxelType.Float32,
            VolumeShape? shape = null, ArtefactOptions? artefacts = null, (int, int)? size = null, double contrast = 1.0)
        {
            var spec = new PhantomSpec
            {
                Kind = kind,
                Variant = variant,
                Shape = shape ?? cube,
                VoxelType = type,
                Seed = PhantomSet.Spec(index++, seed, new PhantomSetOptions()).Seed,
                Artefacts = artefacts ?? standard,
                SpecimenSize = size,
                SpecimenContrast = contrast,
            };
            return new NamedSpec(variant == PhantomVariant.HolderOnly ? "none" : kind.Name(), label, spec);
        }
        const SpecimenKind embryo = SpecimenKind.Embryo, fish = SpecimenKind.Fish, cells = SpecimenKind.Cells;
        const VoxelType u16 = VoxelType.UInt16;
        return
        [
            Case(embryo, PhantomVariant.Standard, "standard"),
            Case(fish, PhantomVariant.Standard, "standard-u16", u16),
            Case(cells, PhantomVariant.Standard, "standard"),
            Case(embryo, PhantomVariant.HolderOnly, "holder-only"),
            Case(fish, PhantomVariant.HolderOnly, "holder-only-u16-rings", u16, artefacts: rings),
            Case(fish, PhantomVariant.FillsView, "fills-view"),
            Case(cells, PhantomVariant.FillsView, "fills-view-u16", u16),
            Case(embryo, PhantomVariant.OutOfView, "out-of-view"),
            Case(fish, PhantomVariant.OutOfView, "out-of-view-u16", u16),
            Case(cells, PhantomVariant.NoHolder, "no-holder"),
            Case(embryo, PhantomVariant.TouchingWall, "touching-wall"),
            Case(fish, PhantomVariant.TouchingWall, "touching-wall-u16", u16),
            Case(embryo, PhantomVariant.Standard, "small", size: small),
            Case(fish, PhantomVariant.Standard, "small-u16", u16, size: small),
            Case(cells, PhantomVariant.Standard, "strong-rings", artefacts: rings),
            Case(embryo, PhantomVariant.Standard, "high-noise", artefacts: noisy),
            Case(embryo, PhantomVariant.Standard, "low-contrast", contrast: 0.3),
            Case(cells, PhantomVariant.Standard, "masked-circle", artefacts: masked),
            Case(fish, PhantomVariant.Standard, "tall", shape: tall),
            Case(embryo, PhantomVariant.Standard, "narrow-x", shape: narrow),
        ];
    }
}
