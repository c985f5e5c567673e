using TomoCrop.Localization.Clustering;
using TomoCrop.Localization.Rotation;
using TomoCrop.Models;
using TomoCrop.Phantoms;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;
using Xunit.Abstractions;

namespace TomoCrop.Localization.Tests.Clustering;

public class ClusteringLocalizerTests(ITestOutputHelper output)
{
    [Fact]
    public void The_box_from_the_shipped_sorting_model_contains_the_specimen_of_a_phantom_and_cuts_something()
    {
        using var temp = new TempDirectory();
        var manifest = PhantomManifest.Load(PhantomSet.Generate(temp.Path, 1, seed: 4040, new PhantomSetOptions
        {
            Shapes = [new VolumeShape(128, 128, 128)],
            Kinds = [SpecimenKind.Embryo],
            Variants = [PhantomVariant.Standard],
        }));
        var phantom = manifest.Cases[0];
        using var localizer = new ClusteringLocalizer(ModelCatalog.DefaultSortingModelPath,
            ClusteringLocalizerOptions.Default with { Device = DevicePreference.Cpu });
        using var reader = VolumeIO.Open(phantom.Path);
        var analysis = localizer.Analyze(reader);
        var result = analysis.Result;
        output.WriteLine($"truth {phantom.Box}, box {result.Box}, kept {result.KeptFraction:P1}, {analysis.IsObject.Count(o => o)} of {analysis.IsObject.Length} superpixels object; "
                         + string.Join("; ", result.Axes.Select(a => a.Reason)));

        Assert.Equal("clustering", result.Method);
        Assert.Equal(localizer.ModelSha256, result.ModelSha256);
        Assert.True(result.Box.Contains(phantom.Box!.Value), $"box {result.Box} must contain the specimen {phantom.Box}");
        Assert.True(result.KeptFraction < 0.8, $"kept {result.KeptFraction:P0}: the clustering found no specimen");
        Assert.NotNull(analysis.Clusters);
        Assert.Equal(analysis.Superpixels.Count, analysis.IsObject.Length);
    }

    [Fact]
    public void Specimens_running_out_of_view_are_kept_whole()
    {
        using var temp = new TempDirectory();
        var manifest = PhantomManifest.Load(PhantomSet.Generate(temp.Path, 2, seed: 4041, new PhantomSetOptions
        {
            Shapes = [new VolumeShape(96, 96, 96)],
            Kinds = [SpecimenKind.Fish, SpecimenKind.Embryo],
            Variants = [PhantomVariant.OutOfView],
        }));
        using var localizer = new ClusteringLocalizer(ModelCatalog.DefaultSortingModelPath,
            ClusteringLocalizerOptions.Default with { Device = DevicePreference.Cpu });
        foreach (var phantom in manifest.Cases)
        {
            using var reader = VolumeIO.Open(phantom.Path);
            var result = localizer.Localize(reader);
            output.WriteLine($"{phantom.Variant}: truth {phantom.Box}, box {result.Box}; " + string.Join("; ", result.Axes.Select(a => a.Reason)));
            Assert.True(result.Box.Contains(phantom.Box!.Value), $"{phantom.Variant}: box {result.Box} must contain the specimen {phantom.Box}");
        }
    }

    [Fact]
    public void Clustering_is_a_method_of_the_settings_and_builds_its_localizer()
    {
        Assert.Contains(LocalizerSettings.Clustering, LocalizerSettings.Methods);
        Assert.Equal("clustering", LocalizerSettings.NormaliseMethod(" Clustering "));
        using var localizer = (ClusteringLocalizer)new LocalizerSettings { Method = "clustering", Device = DevicePreference.Cpu }.Create();
        Assert.Equal(Pretexts.Sorting, localizer.ModelMetadata.Pretext);
    }

    [Fact]
    public void A_sorting_model_is_refused_by_the_rotation_localizer()
    {
        var error = Assert.Throws<ModelException>(() => new RotationCertaintyLocalizer(ModelCatalog.DefaultSortingModelPath,
            new RotationLocalizerOptions { Device = DevicePreference.Cpu }));
        Assert.Contains("clustering", error.Message);
    }
}
