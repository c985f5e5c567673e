using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using TomoCrop.Daemon.Options;
using TomoCrop.Models;

namespace TomoCrop.Cli.Commands;

/// <summary>
/// `tomocrop models list | add MODEL.json | promote VERSION | rollback [--pretext rotation|sorting]`: the daemon's
/// model registry of one pretext (rotation: STATE/models; sorting, the clustering localizer's: STATE/models-sorting).
/// A running daemon switches to the new current model before its next volume, without a restart.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var state = CommonOptions.StateDirectory("the daemon's state directory; the registry is its models/ folder");
        state.Recursive = true;
        var json = new Option<bool>("--json") { Description = "print JSON", Recursive = true };
        var pretext = new Option<string>("--pretext")
        {
            Description = "whose registry: rotation (the rotation localizer's model, the default) or sorting (the clustering localizer's)",
            DefaultValueFactory = _ => Pretexts.Rotation,
            Recursive = true,
        };
        pretext.AcceptOnlyFromAmong([.. Pretexts.All]);
        var command = new Command("models", "List, add, promote and roll back the daemon's model versions.") { state, json, pretext };

        var list = new Command("list", "Every version, the current one marked, with source, parent, metrics and sha256.");
        list.SetAction(parse =>
        {
            var registry = Registry(parse, state, pretext).Registry;
            var current = registry.Current?.Version;
            var versions = registry.Versions();
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["pretext"] = parse.GetValue(pretext),
                    ["current"] = current,
                    ["versions"] = JsonSerializer.SerializeToNode(versions),
                    ["history"] = JsonSerializer.SerializeToNode(registry.History),
                }.ToJsonString());
                return CliErrors.Ok;
            }
            if (versions.Count == 0)
            {
                Console.WriteLine($"{registry.Directory}: no model versions yet (the daemon registers the shipped model at its first start)");
            }
            foreach (var v in versions)
            {
                var metrics = string.Join(" ", v.Metrics.Select(m => $"{m.Key}={m.Value:0.####}"));
                Console.WriteLine($"{(v.Version == current ? "*" : " ")} {v.Version}  {v.CreatedUtc:yyyy-MM-dd HH:mm}Z  {v.Source,-9}  parent {v.Parent ?? "-",-5}  sha256 {v.WeightsSha256[..12]}  {metrics}");
            }
            return CliErrors.Ok;
        });

        var modelPath = new Argument<string>("MODEL") { Description = "model metadata JSON (as written by `tomocrop train`)" };
        var note = new Option<string?>("--note") { Description = "a note kept with the version" };
        var add = new Command("add", "Register a trained model as a new version (not made current).") { modelPath, note };
        add.SetAction(parse =>
        {
            var models = Registry(parse, state, pretext);
            var added = models.Add(parse.GetValue(modelPath)!, "import", parent: models.Registry.Current?.Version, note: parse.GetValue(note));
            Console.WriteLine($"added {added.Version} (sha256 {added.WeightsSha256}); make it current with: tomocrop models promote {added.Version} --pretext {models.Pretext}");
            return CliErrors.Ok;
        });

        var version = new Argument<string>("VERSION") { Description = "e.g. v0003" };
        var promote = new Command("promote", "Make a version current (its sha256 is checked first).") { version };
        promote.SetAction(parse =>
        {
            var models = Registry(parse, state, pretext);
            var promoted = models.Registry.Promote(parse.GetValue(version)!, "promoted by operator");
            Console.WriteLine($"current model: {promoted.Version} (sha256 {promoted.WeightsSha256}, {models.Pretext} registry)");
            return CliErrors.Ok;
        });

        var rollback = new Command("rollback", "Make the previously current version current again.");
        rollback.SetAction(parse =>
        {
            var models = Registry(parse, state, pretext);
            var restored = models.Registry.Rollback("requested by operator");
            Console.WriteLine($"current model: {restored.Version} (sha256 {restored.WeightsSha256}, {models.Pretext} registry)");
            return CliErrors.Ok;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(add);
        command.Subcommands.Add(promote);
        command.Subcommands.Add(rollback);
        return command;
    }

    private static PretextRegistry Registry(ParseResult parse, Option<string> state, Option<string> pretext)
    {
        var directory = Path.GetFullPath(parse.GetValue(state)!);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: state directory not found (give the daemon's --state directory)");
        }
        return PretextRegistry.Open(new StateOptions { Directory = directory }, parse.GetValue(pretext)!);
    }
}
