using TomoCrop.Localization.Classical;
using TomoCrop.Localization.Clustering;
using TomoCrop.Localization.Evidence;
using TomoCrop.Localization.Profiles;
using TomoCrop.Localization.Rotation;
using TomoCrop.Models;

namespace TomoCrop.Localization;

/// <summary>
/// Which localizer, and the operator's overrides of its cut (null = the method's default). One description for
/// the command line and the daemon's configuration, so both build localizers the same way.
/// </summary>
public sealed record LocalizerSettings
{
    public const string Rotation = "rotation";
    public const string Classical = "classical";
    public const string Clustering = "clustering";
    public static readonly string[] Methods = [Rotation, Classical, Clustering];

    public string Method { get; init; } = Rotation;

    /// <summary>
    /// Model metadata JSON; null = the shipped model of the method: <see cref="ModelCatalog.DefaultModelPath"/> (rotation)
    /// or <see cref="ModelCatalog.DefaultSortingModelPath"/> (clustering, which takes any model's trunk). Unused by "classical".
    /// </summary>
    public string? ModelPath { get; init; }

    public DevicePreference Device { get; init; } = DevicePreference.Auto;

    public ThresholdRule? Rule { get; init; }

    public double? Threshold { get; init; }

    public int? MarginVoxels { get; init; }

    public double? MarginPercent { get; init; }

    /// <summary>
    /// Rotation only: look again at full resolution at the faces the specimen evidence set
    /// (<see cref="FaceRefinement"/>); null = on.
    /// </summary>
    public bool? RefineFaces { get; init; }

    /// <summary>Clustering only: DBSCAN's ε and min samples; null = <see cref="ClusteringLocalizerOptions.Default"/>.</summary>
    public double? ClusterEpsilon { get; init; }

    public int? ClusterMinSamples { get; init; }

    public static string NormaliseMethod(string method)
    {
        var name = method.Trim().ToLowerInvariant();
        return Methods.Contains(name) ? name : throw new FormatException($"method '{method}' is not one of {string.Join(", ", Methods)}");
    }

    public static DevicePreference ParseDevice(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => DevicePreference.Auto,
        "cpu" => DevicePreference.Cpu,
        "cuda" or "gpu" => DevicePreference.Cuda,
        _ => throw new FormatException($"device '{text}' is not one of auto, cpu, cuda"),
    };

    public static ThresholdRule ParseRule(string text) => text.Trim().ToLowerInvariant() switch
    {
        "absolute" => ThresholdRule.Absolute,
        "fraction" or "fraction-of-max" => ThresholdRule.FractionOfMax,
        "otsu" => ThresholdRule.Otsu,
        _ => throw new FormatException($"threshold rule '{text}' is not one of absolute, fraction, otsu"),
    };

    /// <summary>The method's default cut with this record's overrides applied.</summary>
    public ProfileCutOptions ApplyTo(ProfileCutOptions defaults)
    {
        var cut = defaults;
        if (Rule is { } rule) cut = cut with { Rule = rule };
        if (Threshold is { } value) cut = cut with { Value = value };
        if (MarginVoxels is { } voxels) cut = cut with { MarginVoxels = voxels };
        if (MarginPercent is { } percent) cut = cut with { MarginPercent = percent };
        return cut;
    }

    /// <summary>
    /// The evidence step's settings with this record's margins: an operator's margin is the least kept beyond what
    /// the localizer found, whichever of its signals set the face (a side the evidence decides carries the evidence's
    /// margin, not the certainty cut's).
    /// </summary>
    public EvidenceOptions? ApplyTo(EvidenceOptions? defaults)
    {
        if (defaults is not { } evidence)
        {
            return null;
        }
        if (MarginVoxels is { } voxels) evidence = evidence with { MarginVoxels = voxels, RefinedMarginVoxels = voxels };
        if (MarginPercent is { } percent) evidence = evidence with { MarginPercent = percent, RefinedMarginPercent = percent };
        if (RefineFaces is { } refine) evidence = evidence with { RefineFaces = refine };
        return evidence;
    }

    /// <summary>Builds the localizer; a model is loaded (and its sha256 checked) here.</summary>
    public ILocalizer Create() => NormaliseMethod(Method) switch
    {
        Rotation => new RotationCertaintyLocalizer(ModelPath ?? ModelCatalog.DefaultModelPath, RotationLocalizerOptions.Default with
        {
            Device = Device,
            Cut = ApplyTo(RotationLocalizerOptions.Default.Cut),
            Evidence = ApplyTo(RotationLocalizerOptions.Default.Evidence),
        }),
        Clustering => new ClusteringLocalizer(ModelPath ?? ModelCatalog.DefaultSortingModelPath, ClusteringLocalizerOptions.Default with
        {
            Device = Device,
            Cut = ApplyTo(ClusteringLocalizerOptions.Default.Cut),
            Evidence = ApplyTo(ClusteringLocalizerOptions.Default.Evidence),
            Epsilon = ClusterEpsilon ?? ClusteringLocalizerOptions.Default.Epsilon,
            MinSamples = ClusterMinSamples ?? ClusteringLocalizerOptions.Default.MinSamples,
        }),
        _ => new ClassicalLocalizer(ClassicalOptions.Default with { Cut = ApplyTo(ClassicalOptions.Default.Cut) }),
    };
}
