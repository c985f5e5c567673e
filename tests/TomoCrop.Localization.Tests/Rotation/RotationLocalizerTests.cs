using System.Text.Json;
using TomoCrop.Localization.Rotation;
using TomoCrop.Models;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Tests.Rotation;

/// <summary>Two independent phantoms (holder only, specimen in holder) generated once for the class.</summary>
public sealed class CtPhantoms : IDisposable
{
    public const int Side = 96;

    public CtPhantoms()
    {
        ExternalTool.RunPython(CtPhantomScript.Source, Directory.Path, "2", Side.ToString(), "2026", "holder,specimen");
        using var manifest = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(Directory.Path, "manifest.json")));
        var cases = manifest.RootElement.GetProperty("cases");
        HolderOnly = System.IO.Path.Combine(Directory.Path, cases[0].GetProperty("path").GetString()!);
        Specimen = System.IO.Path.Combine(Directory.Path, cases[1].GetProperty("path").GetString()!);
        var box = cases[1].GetProperty("box_zyx").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        SpecimenBox = VoxelBox.FromJsonArray(box);
        Localizer = new RotationCertaintyLocalizer(ModelCatalog.DefaultModelPath, new RotationLocalizerOptions { Device = DevicePreference.Cpu });
    }

    public TempDirectory Directory { get; } = new();
    public string HolderOnly { get; }
    public string Specimen { get; }
    public VoxelBox SpecimenBox { get; }
    public RotationCertaintyLocalizer Localizer { get; }

    public void Dispose()
    {
        Localizer.Dispose();
        Directory.Dispose();
    }
}

public class RotationLocalizerTests(CtPhantoms phantoms) : IClassFixture<CtPhantoms>
{
    private static double Chance(RotationCertaintyLocalizer localizer) => 1.0 / localizer.ModelMetadata.Preprocessing.AnglesDegrees.Length;

    [Fact]
    public void Holder_only_volume_gives_low_flat_certainty_and_keeps_every_axis_whole()
    {
        using var reader = VolumeIO.Open(phantoms.HolderOnly);
        var result = phantoms.Localizer.Localize(reader);
        var chance = Chance(phantoms.Localizer);
        foreach (var profile in result.Profiles)
        {
            Assert.InRange(profile.Values.Average(), 0, chance + 0.05);
            Assert.InRange(profile.Values.Max(), 0, chance + 0.20);
        }
        Assert.All(result.Axes, a => Assert.True(a.KeptFullExtent, a.Reason));
        Assert.Equal(VoxelBox.Full(reader.Info.Shape), result.Box);
    }

    [Fact]
    public void Specimen_volume_gives_a_plateau_over_the_specimen_and_a_box_that_contains_it()
    {
        using var reader = VolumeIO.Open(phantoms.Specimen);
        var result = phantoms.Localizer.Localize(reader);
        var truth = phantoms.SpecimenBox;
        for (var axis = 0; axis < 3; axis++)
        {
            var profile = result.Profiles[axis];
            var range = truth[axis];
            var inside = profile.Positions.Select((p, i) => (p, v: profile.Values[i])).Where(s => s.p >= range.Start && s.p < range.Stop).Select(s => (double)s.v).ToList();
            var outside = profile.Positions.Select((p, i) => (p, v: profile.Values[i])).Where(s => s.p < range.Start - 3 || s.p >= range.Stop + 3).Select(s => (double)s.v).ToList();
            Assert.True(inside.Average() > outside.Average() + 0.15,
                $"axis {axis}: inside {inside.Average():F3} vs outside {outside.Average():F3}");
            Assert.InRange(outside.Average(), 0, Chance(phantoms.Localizer) + 0.20);
        }
        Assert.True(result.Box.Contains(truth), $"box {result.Box} must contain the specimen {truth}");
        Assert.True(result.KeptFraction < 0.6, $"kept {result.KeptFraction:P0} of the volume");
    }

    [Fact]
    public void The_result_names_the_model_and_splits_read_and_inference_time()
    {
        using var reader = VolumeIO.Open(phantoms.Specimen);
        var result = phantoms.Localizer.Localize(reader);
        Assert.Equal("rotation", result.Method);
        Assert.Equal(Checkpoint.Sha256(Checkpoint.WeightsPath(ModelCatalog.DefaultModelPath, phantoms.Localizer.ModelMetadata)), result.ModelSha256);
        Assert.True(result.ReadSeconds > 0 && result.InferenceSeconds > 0);
        Assert.True(result.Seconds >= result.ReadSeconds + result.InferenceSeconds - 1e-6);
        Assert.All(result.Profiles, p => Assert.True(p.Positions.Zip(p.Positions.Skip(1)).All(t => t.First < t.Second)));
    }
}
