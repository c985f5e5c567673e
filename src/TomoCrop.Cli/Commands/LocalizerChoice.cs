using System.CommandLine;
using System.Text.Json.Nodes;
using TomoCrop.Localization;
using TomoCrop.Localization.Classical;
using TomoCrop.Localization.Clustering;
using TomoCrop.Localization.Profiles;
using TomoCrop.Localization.Rotation;
using TomoCrop.Models;

namespace TomoCrop.Cli.Commands;

/// <summary>Which localizer a verb uses, from --method/--model/--device; one place for every verb.</summary>
internal static class LocalizerChoice
{
    public const string Rotation = "rotation";
    public const string Classical = "classical";
    public const string Clustering = "clustering";

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

        public Option<double?> Epsilon { get; } = new("--epsilon") { Description = $"clustering: DBSCAN ε on standardized embeddings (default {ClusteringLocalizerOptions.Default.Epsilon})" };
        public Option<int?> MinSamples { get; } = new("--min-samples") { Description = $"clustering: DBSCAN min samples (default {ClusteringLocalizerOptions.Default.MinSamples})" };

        public IEnumerable<Option> All => [Rule, Value, MarginVoxels, MarginPercent, Epsilon, MinSamples];

        public ClusteringLocalizerOptions ApplyClustering(ParseResult parse, ClusteringLocalizerOptions defaults)
        {
            var options = defaults with { Cut = Apply(parse, defaults.Cut) };
            if (parse.GetValue(Epsilon) is { } epsilon) options = options with { Epsilon = epsilon };
            if (parse.GetValue(MinSamples) is { } minSamples) options = options with { MinSamples = minSamples };
            return options;
        }

        public ProfileCutOptions Apply(ParseResult parse, ProfileCutOptions defaults)
        {
            var cut = defaults;
            if (parse.GetValue(Rule) is { } rule)
            {
                cut = cut with
                {
                    Rule = rule.Trim().ToLowerInvariant() switch
                    {
                        "absolute" => ThresholdRule.Absolute,
                        "fraction" or "fraction-of-max" => ThresholdRule.FractionOfMax,
                        "otsu" => ThresholdRule.Otsu,
                        _ => throw new FormatException($"--threshold-rule '{rule}' is not one of absolute, fraction, otsu"),
                    },
                };
            }
            if (parse.GetValue(Value) is { } value) cut = cut with { Value = value };
            if (parse.GetValue(MarginVoxels) is { } voxels) cut = cut with { MarginVoxels = voxels };
            if (parse.GetValue(MarginPercent) is { } percent) cut = cut with { MarginPercent = percent };
            return cut;
        }
    }

    public static DevicePreference ParseDevice(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => DevicePreference.Auto,
        "cpu" => DevicePreference.Cpu,
        "cuda" or "gpu" => DevicePreference.Cuda,
        _ => throw new FormatException($"--device '{text}' is not one of auto, cpu, cuda"),
    };

    public static ILocalizer Create(string method, string? modelPath, string device, ParseResult? parse = null, CutOptions? cut = null) =>
        method.Trim().ToLowerInvariant() switch
        {
            Rotation => new RotationCertaintyLocalizer(modelPath ?? ModelCatalog.DefaultModelPath, RotationLocalizerOptions.Default with
            {
                Device = ParseDevice(device),
                Cut = parse is null || cut is null ? RotationLocalizerOptions.Default.Cut : cut.Apply(parse, RotationLocalizerOptions.Default.Cut),
            }),
            Clustering => new ClusteringLocalizer(modelPath ?? ModelCatalog.DefaultSortingModelPath,
                (parse is null || cut is null ? ClusteringLocalizerOptions.Default : cut.ApplyClustering(parse, ClusteringLocalizerOptions.Default)) with
                {
                    Device = ParseDevice(device),
                }),
            Classical => new ClassicalLocalizer(ClassicalOptions.Default with
            {
                Cut = parse is null || cut is null ? ClassicalOptions.Default.Cut : cut.Apply(parse, ClassicalOptions.Default.Cut),
            }),
            _ => throw new FormatException($"--method '{method}' is not one of rotation, clustering, classical"),
        };

    /// <summary>The `localize --json` object: shape, box_zyx, confidence, method, model, seconds (+ timings, reasons).</summary>
    public static JsonObject ToJson(LocalizationResult result)
    {
        var box = new JsonArray();
        foreach (var range in result.Box.ToJsonArray())
        {
            box.Add(new JsonArray(range[0], range[1]));
        }
        var confidence = new JsonArray();
        var reasons = new JsonArray();
        foreach (var axis in result.Axes)
        {
            confidence.Add(Math.Round(axis.Confidence, 4));
            reasons.Add(axis.Reason);
        }
        return new JsonObject
        {
            ["shape"] = new JsonArray(result.Shape.Z, result.Shape.Y, result.Shape.X),
            ["box_zyx"] = box,
            ["confidence"] = confidence,
            ["method"] = result.Method,
            ["model"] = result.ModelSha256,
            ["seconds"] = Math.Round(result.Seconds, 3),
            ["read_seconds"] = Math.Round(result.ReadSeconds, 3),
            ["inference_seconds"] = Math.Round(result.InferenceSeconds, 3),
            ["kept_full_extent"] = new JsonArray(result.Axes.Select(a => (JsonNode?)a.KeptFullExtent).ToArray()),
            ["reasons"] = reasons,
        };
    }

    public static void Dispose(ILocalizer localizer) => (localizer as IDisposable)?.Dispose();
}
