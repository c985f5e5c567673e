using System.CommandLine;
using TomoCrop.Localization;
using TomoCrop.Reporting.Preview;
using TomoCrop.Volumes;

namespace TomoCrop.Cli.Commands;

/// <summary>`tomocrop localize INPUT [--method] [--json] [--preview FILE.png]`.</summary>
internal static class LocalizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "volume to localize the specimen in" };
        var method = LocalizerChoice.Method();
        var model = LocalizerChoice.Model();
        var device = LocalizerChoice.Device();
        var dataset = CommonOptions.Dataset();
        var json = new Option<bool>("--json") { Description = "print exactly one JSON object on stdout" };
        var preview = new Option<string?>("--preview") { Description = "write a PNG: three views with the box, and the three profiles with their thresholds" };
        var baseline = new Option<bool>("--no-baseline") { Description = "do not run the classical baseline beside the learned localizer" };
        var cut = new LocalizerChoice.CutOptions();
        var command = new Command("localize", "Find the box that holds the specimen (half-open voxel ranges).")
        {
            input, method, model, device, dataset, json, preview, baseline,
        };
        foreach (var option in cut.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            using var reader = VolumeIO.Open(parse.GetValue(input)!, new VolumeOpenOptions { DatasetPath = parse.GetValue(dataset) });
            var localizer = LocalizerChoice.Create(parse.GetValue(method)!, parse.GetValue(model), parse.GetValue(device)!, parse, cut);
            try
            {
                var result = localizer.Localize(reader);
                var output = LocalizationJson.From(result);
                if (localizer.Name != LocalizerChoice.Classical && !parse.GetValue(baseline))
                {
                    var classical = LocalizerChoice.Create(LocalizerChoice.Classical, null, "cpu").Localize(reader);
                    output["baseline"] = LocalizationJson.From(classical);
                }
                if (parse.GetValue(preview) is { } png)
                {
                    PreviewRenderer.Render(reader, result, truth: null, png);
                }
                if (parse.GetValue(json))
                {
                    Console.WriteLine(output.ToJsonString());
                }
                else
                {
                    Console.WriteLine(LocalizationSummary.Describe(reader.Info, result));
                    if (output["baseline"] is { } b)
                    {
                        Console.WriteLine($"baseline  classical box_zyx {b["box_zyx"]!.ToJsonString()} in {b["seconds"]} s");
                    }
                }
                return CliErrors.Ok;
            }
            finally
            {
                LocalizerChoice.Dispose(localizer);
            }
        });
        return command;
    }
}

internal static class LocalizationSummary
{
    public static string Describe(VolumeInfo info, TomoCrop.Localization.LocalizationResult result)
    {
        var lines = new List<string>
        {
            $"volume    {info.Path} {info.Shape} {info.VoxelType.NumpyName()}",
            $"method    {result.Method}{(result.ModelSha256 is null ? "" : " model " + result.ModelSha256[..12])} in {result.Seconds:0.0} s (read {result.ReadSeconds:0.0} s, inference {result.InferenceSeconds:0.0} s)",
            $"box_zyx   [{result.Box.Z}] [{result.Box.Y}] [{result.Box.X}]  keeps {result.KeptFraction:P1} of the voxels",
        };
        string[] names = ["z", "y", "x"];
        for (var axis = 0; axis < result.Axes.Count; axis++)
        {
            var a = result.Axes[axis];
            lines.Add($"  {names[axis]}  {a.Range,-10} confidence {a.Confidence:0.00}  {a.Reason}");
        }
        return string.Join(Environment.NewLine, lines);
    }
}
