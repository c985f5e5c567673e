using System.CommandLine;
using System.Globalization;
using TomoCrop.Daemon.Hosting;

namespace TomoCrop.Cli.Commands;

/// <summary>
/// `tomocrop daemon`: the service. Configuration from appsettings.json, /etc/tomocrop/appsettings.json (or --config),
/// TOMOCROP_* environment; the options here override one watch root and single keys for operators and tests.
/// </summary>
internal static class DaemonCommand
{
    public static Command Create()
    {
        var watch = new Option<string?>("--watch") { Description = "watch this directory (replaces the configured roots' first entry)" };
        var output = new Option<string?>("--output") { Description = "publish crops of --watch under this directory" };
        var state = new Option<string?>("--state") { Description = "journal, logs and savings records (State:Directory; default /var/lib/tomocrop)" };
        var quiet = new Option<double?>("--quiet-seconds") { Description = "a volume is complete when unchanged this long (Completion:QuietSeconds; default 60)" };
        var config = ConfigurationOptions.ConfigFile();
        var set = ConfigurationOptions.Set();
        var command = new Command("daemon", "Run the service: watch directories, crop completed volumes, verify, publish, log the savings.")
        {
            watch, output, state, quiet, config, set,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var watchPath = parse.GetValue(watch);
            var outputPath = parse.GetValue(output);
            if ((watchPath is null) != (outputPath is null))
            {
                throw new FormatException("--watch and --output go together");
            }
            if (watchPath is not null)
            {
                overrides["Watch:Roots:0:Path"] = Path.GetFullPath(watchPath);
                overrides["Watch:Roots:0:Output"] = Path.GetFullPath(outputPath!);
            }
            if (parse.GetValue(state) is { } stateDirectory)
            {
                overrides["State:Directory"] = Path.GetFullPath(stateDirectory);
            }
            if (parse.GetValue(quiet) is { } seconds)
            {
                overrides["Completion:QuietSeconds"] = seconds.ToString(CultureInfo.InvariantCulture);
            }
            ConfigurationOptions.AddAssignments(overrides, parse.GetValue(set));
            return await DaemonHost.RunAsync(new DaemonCommandLine { ConfigFile = parse.GetValue(config), Overrides = overrides }, cancellationToken);
        });
        return command;
    }
}
