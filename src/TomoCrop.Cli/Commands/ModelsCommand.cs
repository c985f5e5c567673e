using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using TomoCrop.Daemon.Options;
using TomoCrop.Registry;

namespace TomoCrop.Cli.Commands;

/// <summary>
/// `tomocrop models list | add MODEL.json | promote VERSION | rollback`: the daemon's model registry (STATE/models).
/// A running daemon switches to the new current model before its next volume, without a restart.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var state = CommonOptions.StateDirectory("the daemon's state directory; the registry is its models/ folder");
        state.Recursive = true;
        var json = new Option<bool>("--json") { Description = "print JSON", Recursive = true };
        var command = new Command("models", "List, add, promote and roll back the daemon's model versions.") { state, json };

        var list = new Command("list", "Every version, the current one marked, with source, parent, metrics and sha256.");
        list.SetAction(parse =>
        {
            var registry = Registry(parse, state);
            var current = registry.Current?.Version;
            var versions = registry.Versions();
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
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
            var registry = Registry(parse, state);
            var added = registry.Add(parse.GetValue(modelPath)!, "import", parent: registry.Current?.Version, note: parse.GetValue(note));
            Console.WriteLine($"added {added.Version} (sha256 {added.WeightsSha256}); make it current with: tomocrop models promote {added.Version}");
            return CliErrors.Ok;
        });

        var version = new Argument<string>("VERSION") { Description = "e.g. v0003" };
        var promote = new Command("promote", "Make a version current (its sha256 is checked first).") { version };
        promote.SetAction(parse =>
        {
            var promoted = Registry(parse, state).Promote(parse.GetValue(version)!, "promoted by operator");
            Console.WriteLine($"current model: {promoted.Version} (sha256 {promoted.WeightsSha256})");
            return CliErrors.Ok;
        });

        var rollback = new Command("rollback", "Make the previously current version current again.");
        rollback.SetAction(parse =>
        {
            var restored = Registry(parse, state).Rollback("requested by operator");
            Console.WriteLine($"current model: {restored.Version} (sha256 {restored.WeightsSha256})");
            return CliErrors.Ok;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(add);
        command.Subcommands.Add(promote);
        command.Subcommands.Add(rollback);
        return command;
    }

    private static ModelRegistry Registry(ParseResult parse, Option<string> state)
    {
        var directory = Path.GetFullPath(parse.GetValue(state)!);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{directory}: state directory not found (give the daemon's --state directory)");
        }
        return new ModelRegistry(new StateOptions { Directory = directory }.ModelsDirectory);
    }
}
