using System.Text.Json.Nodes;

namespace TomoCrop.Localization;

/// <summary>
/// A localization as JSON: the `localize --json` contract (shape, box_zyx, confidence, method, model, seconds) plus
/// timings, kept_full_extent and reasons. The same object goes into crop records, so a crop says how its box was found.
/// </summary>
public static class LocalizationJson
{
    public static JsonObject From(LocalizationResult result)
    {
        var box = new JsonArray();
        foreach (var range in result.Box.ToJsonArray())
        {
            box.Add(new JsonArray(range[0], range[1]));
        }
        return new JsonObject
        {
            ["shape"] = new JsonArray(result.Shape.Z, result.Shape.Y, result.Shape.X),
            ["box_zyx"] = box,
            ["confidence"] = new JsonArray(result.Axes.Select(a => (JsonNode?)Math.Round(a.Confidence, 4)).ToArray()),
            ["method"] = result.Method,
            ["model"] = result.ModelSha256,
            ["seconds"] = Math.Round(result.Seconds, 3),
            ["read_seconds"] = Math.Round(result.ReadSeconds, 3),
            ["inference_seconds"] = Math.Round(result.InferenceSeconds, 3),
            ["kept_full_extent"] = new JsonArray(result.Axes.Select(a => (JsonNode?)a.KeptFullExtent).ToArray()),
            ["reasons"] = new JsonArray(result.Axes.Select(a => (JsonNode?)a.Reason).ToArray()),
        };
    }
}
