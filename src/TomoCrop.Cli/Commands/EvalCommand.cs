using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using TomoCrop.Localization.Clustering;
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
        var methods = new Option<string>("--methods") { Description = "comma-separated localizers to compare", DefaultValueFactory = _ => "rotation,clustering,classical" };
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
            var sideBySide = new List<string>
            {
                "| localizer | true box wholly kept | mean face error (voxels) | of mean true extent | predicted ÷ true volume | storage saved | seconds / case (mean, max) |",
                "|---|---|---|---|---|---|---|",
            };
            foreach (var method in parse.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var localizer = LocalizerChoice.Create(method, parse.GetValue(model), parse.GetValue(device)!, parse, cut);
                try
                {
                    var evaluations = new List<CaseEvaluation>();
                    var seconds = new List<double>();
                    var analyses = new List<ClusteringAnalysis>();
                    foreach (var phantom in cases)
                    {
                        using var reader = VolumeIO.Open(phantom.Path);
                        var clock = Stopwatch.StartNew();
                        // The clustering localizer also hands back its superpixels, to validate the linear classifier below.
                        var result = localizer is ClusteringLocalizer clustering
                            ? Keep(analyses, clustering.Analyze(reader)).Result
                            : localizer.Localize(reader);
                        seconds.Add(clock.Elapsed.TotalSeconds);
                        evaluations.Add(BoxEvaluation.Evaluate(phantom.Name, reader.Info.Shape, result.Box, phantom.Box));
                        Console.Error.WriteLine($"{method,-9} {phantom.Name}: {result.Box} ({clock.Elapsed.TotalSeconds:0.0} s)");
                    }
                    var table = EvaluationTable.Render(evaluations, $"{method} ({localizer.ModelSha256?[..12] ?? "no model"})");
                    var summary = $"Seconds per case: mean {seconds.Average():0.0}, max {seconds.Max():0.0}.";
                    if (analyses.Count >= 2)
                    {
                        var probe = ProbeValidation.TwoFold(analyses);
                        summary += Environment.NewLine + Invariant(
                            $"Linear classifier vs DBSCAN labels, two-fold over cases (fit on one half, scored on the other): AUROC {probe.FoldAuroc[0]:F3} and {probe.FoldAuroc[1]:F3}, mean {probe.MeanAuroc:F3} ({probe.Superpixels} superpixels, {probe.Cases} cases).");
                    }
                    report.Add(table + Environment.NewLine + summary + Environment.NewLine);
                    sideBySide.Add(SummaryRow(method, localizer.ModelSha256, BoxEvaluation.Summarize(evaluations), seconds));
                }
                finally
                {
                    LocalizerChoice.Dispose(localizer);
                }
            }
            report.Insert(0, "Side by side (same cases):" + Environment.NewLine + Environment.NewLine + string.Join(Environment.NewLine, sideBySide) + Environment.NewLine);
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

    private static ClusteringAnalysis Keep(List<ClusteringAnalysis> analyses, ClusteringAnalysis analysis)
    {
        analyses.Add(analysis);
        return analysis;
    }

    private static string SummaryRow(string method, string? model, EvaluationSummary s, List<double> seconds) => Invariant(
        $"| {method}{(model is null ? "" : $" ({model[..12]})")} | {s.Contained} / {s.CasesWithTruth} | {s.MeanError:F1} | {s.MeanErrorOfMeanExtentPercent:F0}% | {s.MeanVolumeRatio:F2} | {s.MeanStorageSaved * 100:F1}% | {seconds.Average():F1}, {seconds.Max():F1} |");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
