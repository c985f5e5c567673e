using TomoCrop.Localization.Evidence;
using TomoCrop.Localization.Rotation;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Tests.Settings;

public class LocalizerSettingsTests
{
    [Fact]
    public void An_operators_margin_also_widens_the_sides_the_evidence_decides()
    {
        // A side the certainty kept to the border is set by the evidence plus the evidence's margin: an operator who
        // asks for 20 voxels must get them there too (a small fish's faint tail beyond the evidence is the case).
        var settings = new LocalizerSettings { MarginVoxels = 20, MarginPercent = 10 };
        var evidence = settings.ApplyTo(RotationLocalizerOptions.Default.Evidence)!;
        Assert.Equal(20, evidence.MarginVoxels);
        Assert.Equal(10, evidence.MarginPercent);
        // ... and on the faces the full-resolution look set.
        Assert.Equal(20, evidence.RefinedMarginVoxels);
        Assert.Equal(10, evidence.RefinedMarginPercent);
        Assert.True(evidence.RefineFaces);

        var found = new EvidenceResult(new VoxelBox(new(90, 120), new(90, 120), new(90, 120)), 100, 1, 0.1, 2);
        var kept = new AxisDecision(new AxisRange(0, 256), 0.4, true, "no clear object");
        Assert.Equal(new AxisRange(67, 143), SpecimenEvidence.Narrow(kept, found, 1, 256, evidence).Range);
        Assert.Equal(new AxisRange(82, 128), SpecimenEvidence.Narrow(kept, found, 1, 256, EvidenceOptions.Default).Range);

        // Unset, the method's defaults stand; no evidence step stays none.
        Assert.Equal(EvidenceOptions.Default, new LocalizerSettings().ApplyTo(EvidenceOptions.Default));
        Assert.Null(settings.ApplyTo((EvidenceOptions?)null));
    }

    [Fact]
    public void An_operator_can_turn_the_full_resolution_look_off()
    {
        var evidence = new LocalizerSettings { RefineFaces = false }.ApplyTo(RotationLocalizerOptions.Default.Evidence)!;
        Assert.False(evidence.RefineFaces);
        Assert.Equal(EvidenceOptions.Default.RefinedMarginVoxels, evidence.RefinedMarginVoxels);
    }
}
