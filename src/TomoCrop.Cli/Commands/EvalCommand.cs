using System.CommandLine;
using System.Diagnostics;
using TomoCrop.Localization.Evaluation;
using TomoCrop.Phantoms;
using TomoCrop.Volumes;

namespace TomoCrop.Cli.Commands;

/// <summary>`tomocrop eval MANIFEST`: every localizer on the same cases, against the manifest's true boxes.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("MANIFEST") { Description = "manifest.json written by `tomocrop phantom --count`" };
        var methods = new Option<string>("--methods") { Description = "comma-separated localizers to compare", DefaultValueFactory = _ => "rotation,classical" };
        var model = LocalizerChoice.Model();
        var device = LocalizerChoice.Device();
        var markdown = new Option<string?>("--markdown") { Description = "also write the tables to this Markdown file" };
        var cut = new LocalizerChoice.CutOptions();
        var command = new Command("eval", "Compare localizers with the ground truth: boundary errors, containment, box volume ratio, storage saved, seconds.")
        {
            manifest, methods, model, device, markdown,
        };
        foreach (var option in cut.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            var cases = PhantomManifest.Load(parse.GetValue(manifest)!).Cases;
            var report = new List<string>();
            foreach (var method in parse.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var localizer = LocalizerChoice.Create(method, parse.GetValue(model), parse.GetValue(device)!, parse, cut);
                try
                {
                    var evaluations = new List<CaseEvaluation>();
                    var seconds = new List<double>();
                    foreach (var phantom in cases)
                    {
                        using var reader = VolumeIO.Open(phantom.Path);
                        var clock = Stopwatch.StartNew();
                        var result = localizer.Localize(reader);
                        seconds.Add(clock.Elapsed.TotalSeconds);
                        evaluations.Add(BoxEvaluation.Evaluate(phantom.Name, reader.Info.Shape, result.Box, phantom.Box));
                        Console.Error.WriteLine($"{method,-9} {phantom.Name}: {result.Box} ({clock.Elapsed.TotalSeconds:0.0} s)");
                    }
                    var table = EvaluationTable.Render(evaluations, $"{method} ({localizer.ModelSha256?[..12] ?? "no model"})");
                    var summary = $"Seconds per case: mean {seconds.Average():0.0}, max {seconds.Max():0.0}.";
                    report.Add(table + Environment.NewLine + summary + Environment.NewLine);
                }
                finally
                {
                    LocalizerChoice.Dispose(localizer);
                }
            }
            var text = string.Join(Environment.NewLine, report);
            Console.WriteLine(text);
            if (parse.GetValue(markdown) is { } path)
            {
                File.WriteAllText(path, text);
            }
            return CliErrors.Ok;
        });
        return command;
    }
}
