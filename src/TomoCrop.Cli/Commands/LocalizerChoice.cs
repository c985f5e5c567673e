using System.CommandLine;
using System.Text.Json.Nodes;
using TomoCrop.Localization;
using TomoCrop.Localization.Classical;
using TomoCrop.Localization.Rotation;
using TomoCrop.Models;

namespace TomoCrop.Cli.Commands;

/// <summary>Which localizer a verb uses, from --method/--model/--device; one place for every verb.</summary>
internal static class LocalizerChoice
{
    public const string Rotation = "rotation";
    public const string Classical = "classical";

    public static Option<string> Method() => new("--method")
    {
        Description = "localizer: rotation (the self-supervised model, default) or classical (MIP + Otsu baseline)",
        DefaultValueFactory = _ => Rotation,
    };

    public static Option<string?> Model() => new("--model")
    {
        Description = $"model metadata JSON (default: ${ModelCatalog.EnvironmentVariable}, else models/{ModelCatalog.DefaultFileName})",
    };

    public static Option<string> Device() => new("--device")
    {
        Description = "auto (CUDA when available), cpu or cuda",
        DefaultValueFactory = _ => "auto",
    };

    public static DevicePreference ParseDevice(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => DevicePreference.Auto,
        "cpu" => DevicePreference.Cpu,
        "cuda" or "gpu" => DevicePreference.Cuda,
        _ => throw new FormatException($"--device '{text}' is not one of auto, cpu, cuda"),
    };

    public static ILocalizer Create(string method, string? modelPath, string device) => method.Trim().ToLowerInvariant() switch
    {
        Rotation => new RotationCertaintyLocalizer(modelPath ?? ModelCatalog.DefaultModelPath,
            RotationLocalizerOptions.Default with { Device = ParseDevice(device) }),
        Classical => new ClassicalLocalizer(),
        _ => throw new FormatException($"--method '{method}' is not one of rotation, classical"),
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
