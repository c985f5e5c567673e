using TomoCrop.Localization;

namespace TomoCrop.Daemon.Options;

/// <summary>
/// Section "Localizer": method, model (with an optional pinned sha256), device, and the cut operators tune.
/// Thresholds and margins are re-read when the file changes; method, model and device need a restart.
/// </summary>
public sealed class LocalizerOptions : IValidatedOptions
{
    public const string Section = "Localizer";

    public string Method { get; set; } = LocalizerSettings.Rotation;
    public string? ModelPath { get; set; }

    /// <summary>When set, start-up fails unless the loaded model has exactly this sha256.</summary>
    public string? ModelSha256 { get; set; }

    public string Device { get; set; } = "auto";

    /// <summary>absolute, fraction or otsu; null = the method's default.</summary>
    public string? ThresholdRule { get; set; }
    public double? Threshold { get; set; }
    public int? MarginVoxels { get; set; }
    public double? MarginPercent { get; set; }

    /// <summary>Look again at full resolution at the faces the specimen evidence set; null = on.</summary>
    public bool? RefineFaces { get; set; }

    /// <summary>Method "clustering" only: DBSCAN's ε and min samples; null = the method's default.</summary>
    public double? ClusterEpsilon { get; set; }
    public int? ClusterMinSamples { get; set; }

    public LocalizerSettings ToSettings() => new()
    {
        Method = LocalizerSettings.NormaliseMethod(Method),
        ModelPath = string.IsNullOrWhiteSpace(ModelPath) ? null : ModelPath,
        Device = LocalizerSettings.ParseDevice(Device),
        Rule = ThresholdRule is null ? null : LocalizerSettings.ParseRule(ThresholdRule),
        Threshold = Threshold,
        MarginVoxels = MarginVoxels,
        MarginPercent = MarginPercent,
        RefineFaces = RefineFaces,
        ClusterEpsilon = ClusterEpsilon,
        ClusterMinSamples = ClusterMinSamples,
    };

    public IEnumerable<string> Problems(string section)
    {
        var problems = new List<string>();
        void Check(string key, Action parse)
        {
            try
            {
                parse();
            }
            catch (FormatException e)
            {
                problems.Add($"{section}:{key}: {e.Message}");
            }
        }
        Check(nameof(Method), () => LocalizerSettings.NormaliseMethod(Method));
        Check(nameof(Device), () => LocalizerSettings.ParseDevice(Device));
        if (ThresholdRule is not null)
        {
            Check(nameof(ThresholdRule), () => LocalizerSettings.ParseRule(ThresholdRule));
        }
        if (Threshold is { } t && (double.IsNaN(t) || t < 0 || (ThresholdRule?.Trim().ToLowerInvariant() is "fraction" && t >= 1)))
        {
            problems.Add($"{section}:Threshold: {t} is out of range (≥ 0; below 1 for the fraction rule)");
        }
        if (MarginVoxels is < 0)
        {
            problems.Add($"{section}:MarginVoxels: must be ≥ 0, not {MarginVoxels}");
        }
        if (MarginPercent is { } p && (double.IsNaN(p) || p < 0 || p > 100))
        {
            problems.Add($"{section}:MarginPercent: must be within 0–100, not {p}");
        }
        if (ClusterEpsilon is { } epsilon && !(epsilon > 0))
        {
            problems.Add($"{section}:ClusterEpsilon: must be > 0, not {epsilon}");
        }
        if (ClusterMinSamples is < 1)
        {
            problems.Add($"{section}:ClusterMinSamples: must be ≥ 1, not {ClusterMinSamples}");
        }
        if (ModelSha256 is { Length: > 0 } sha && (sha.Length != 64 || !sha.All(Uri.IsHexDigit)))
        {
            problems.Add($"{section}:ModelSha256: must be 64 hex digits");
        }
        return problems;
    }

    /// <summary>The tunable part, for logging what a reload changed.</summary>
    public string DescribeCut() =>
        $"rule={ThresholdRule ?? "default"} threshold={Threshold?.ToString() ?? "default"} " +
        $"margin_voxels={MarginVoxels?.ToString() ?? "default"} margin_percent={MarginPercent?.ToString() ?? "default"} " +
        $"refine_faces={RefineFaces?.ToString() ?? "default"}";
}
