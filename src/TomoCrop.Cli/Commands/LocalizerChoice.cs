using System.CommandLine;
using TomoCrop.Localization;
using TomoCrop.Localization.Clustering;
using TomoCrop.Models;

namespace TomoCrop.Cli.Commands;

/// <summary>Which localizer a verb uses, from --method/--model/--device; one place for every verb.</summary>
internal static class LocalizerChoice
{
    public const string Rotation = LocalizerSettings.Rotation;
    public const string Classical = LocalizerSettings.Classical;
    public const string Clustering = LocalizerSettings.Clustering;

    public static Option<string> Method() => new("--method")
    {
        Description = "localizer: rotation (the self-supervised model's certainty, default), clustering (DBSCAN of its superpixel embeddings) or classical (MIP + Otsu baseline)",
        DefaultValueFactory = _ => Rotation,
    };

    public static Option<string?> Model() => new("--model")
    {
        Description = $"model metadata JSON (default: rotation ${ModelCatalog.EnvironmentVariable}, else models/{ModelCatalog.DefaultFileName}; "
            + $"clustering ${ModelCatalog.SortingEnvironmentVariable}, else models/{ModelCatalog.SortingFileName})",
    };

    public static Option<string> Device() => new("--device")
    {
        Description = "auto (CUDA when available), cpu or cuda",
        DefaultValueFactory = _ => "auto",
    };

    /// <summary>Threshold and margin options shared by every verb that localizes (operators tune these).</summary>
    public sealed class CutOptions
    {
        public Option<string?> Rule { get; } = new("--threshold-rule") { Description = "absolute, fraction (of the profile's range above its minimum) or otsu; default per method" };
        public Option<double?> Value { get; } = new("--threshold") { Description = "the level (absolute) or fraction (fraction)" };
        public Option<int?> MarginVoxels { get; } = new("--margin-voxels") { Description = "safety margin on each side, voxels" };
        public Option<double?> MarginPercent { get; } = new("--margin-percent") { Description = "plus this % of the detected extent on each side" };
        public Option<bool?> RefineFaces { get; } = new("--refine-faces") { Description = "rotation: look again at full resolution at the faces the specimen evidence set (default true)" };

        public Option<double?> Epsilon { get; } = new("--epsilon") { Description = $"clustering: DBSCAN ε on standardized embeddings (default {ClusteringLocalizerOptions.Default.Epsilon})" };
        public Option<int?> MinSamples { get; } = new("--min-samples") { Description = $"clustering: DBSCAN min samples (default {ClusteringLocalizerOptions.Default.MinSamples})" };

        public IEnumerable<Option> All => [Rule, Value, MarginVoxels, MarginPercent, RefineFaces, Epsilon, MinSamples];

        /// <summary><paramref name="settings"/> with the cut and clustering options given on the command line.</summary>
        public LocalizerSettings ApplyTo(ParseResult parse, LocalizerSettings settings) => settings with
        {
            Rule = parse.GetValue(Rule) is { } rule ? LocalizerSettings.ParseRule(rule) : settings.Rule,
            Threshold = parse.GetValue(Value) ?? settings.Threshold,
            MarginVoxels = parse.GetValue(MarginVoxels) ?? settings.MarginVoxels,
            MarginPercent = parse.GetValue(MarginPercent) ?? settings.MarginPercent,
            RefineFaces = parse.GetValue(RefineFaces) ?? settings.RefineFaces,
            ClusterEpsilon = parse.GetValue(Epsilon) ?? settings.ClusterEpsilon,
            ClusterMinSamples = parse.GetValue(MinSamples) ?? settings.ClusterMinSamples,
        };
    }

    /// <summary>The localizer for --method/--model/--device and, when given, the cut options; built by <see cref="LocalizerSettings"/> as the daemon's.</summary>
    public static ILocalizer Create(string method, string? modelPath, string device, ParseResult? parse = null, CutOptions? cut = null)
    {
        var settings = new LocalizerSettings
        {
            Method = LocalizerSettings.NormaliseMethod(method),
            ModelPath = modelPath,
            Device = LocalizerSettings.ParseDevice(device),
        };
        return (parse is not null && cut is not null ? cut.ApplyTo(parse, settings) : settings).Create();
    }

    public static void Dispose(ILocalizer localizer) => (localizer as IDisposable)?.Dispose();
}
