using TomoCrop.Localization;
using TomoCrop.Models;
using TomoCrop.Registry;

namespace TomoCrop.Daemon.Options;

/// <summary>
/// The one place that maps a pretext to its model registry under the state directory, the shipped model that seeds
/// it, and the localizer method that uses it: rotation → STATE/models, models/rotation-default.json, method rotation;
/// sorting → STATE/models-sorting, models/sorting-default.json, method clustering.
/// </summary>
public sealed class PretextRegistry
{
    private PretextRegistry(string pretext, ModelRegistry registry, string localizerMethod)
    {
        Pretext = pretext;
        Registry = registry;
        LocalizerMethod = localizerMethod;
    }

    public string Pretext { get; }

    public ModelRegistry Registry { get; }

    /// <summary>The localizer method whose model this registry holds (and that the fine-tuning gate's boxes use).</summary>
    public string LocalizerMethod { get; }

    /// <summary>The shipped model of the pretext (found by <see cref="ModelCatalog"/>); looked up only when needed.</summary>
    public string ShippedModelPath => Pretext == Pretexts.Sorting ? ModelCatalog.DefaultSortingModelPath : ModelCatalog.DefaultModelPath;

    /// <summary>The current version; an empty registry is first seeded with the shipped model.</summary>
    public ModelVersion CurrentOrSeed() => Registry.Current ?? Registry.EnsureSeeded(ShippedModelPath);

    /// <summary>Registers a model after checking it was trained on this registry's pretext.</summary>
    public ModelVersion Add(string modelMetadataPath, string source, string? parent = null, IReadOnlyDictionary<string, double>? metrics = null, string? note = null)
    {
        var pretext = Checkpoint.ReadMetadata(modelMetadataPath).Pretext;
        if (pretext != Pretext)
        {
            throw new ModelException(modelMetadataPath, $"is a {pretext} model; the {Pretext} registry ({Registry.Directory}) takes {Pretext} models only");
        }
        return Registry.Add(modelMetadataPath, source, parent, metrics, note);
    }

    /// <param name="pretext">"rotation" or "sorting" (any case); anything else throws <see cref="ArgumentException"/>.</param>
    public static PretextRegistry Open(StateOptions state, string pretext, TimeProvider? time = null)
    {
        var name = Pretexts.Normalise(pretext);
        var sorting = name == Pretexts.Sorting;
        return new PretextRegistry(name,
            new ModelRegistry(sorting ? state.SortingModelsDirectory : state.ModelsDirectory, time ?? TimeProvider.System),
            sorting ? LocalizerSettings.Clustering : LocalizerSettings.Rotation);
    }

    /// <summary>The pretext whose registry a localizer method takes its model from, or null (classical has no model).</summary>
    public static string? PretextOf(string localizerMethod) => LocalizerSettings.NormaliseMethod(localizerMethod) switch
    {
        LocalizerSettings.Rotation => Pretexts.Rotation,
        LocalizerSettings.Clustering => Pretexts.Sorting,
        _ => null,
    };
}
