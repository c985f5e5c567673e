using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using TomoCrop.Daemon.FineTuning;
using TomoCrop.Daemon.Hosting;
using TomoCrop.Daemon.Options;

namespace TomoCrop.Cli.Commands;

/// <summary>
/// `tomocrop finetune`: one fine-tuning cycle now, through the same code as the daemon's schedule (pool → candidate →
/// gate → registry, for each pretext of FineTuning:Pretexts), with the daemon's configuration. Progress goes to
/// stderr; the decisions to stdout, one per pretext (with --json one JSON array, so stdout stays one document).
/// </summary>
internal static class FinetuneCommand
{
    public static Command Create()
    {
        var state = new Option<string?>("--state") { Description = "the daemon's state directory (State:Directory; default /var/lib/tomocrop)" };
        var steps = new Option<int?>("--steps") { Description = "training steps of this cycle (default FineTuning:Steps)" };
        var json = new Option<bool>("--json") { Description = "print the decisions as one JSON array, one object per pretext" };
        var config = ConfigurationOptions.ConfigFile();
        var set = ConfigurationOptions.Set();
        var command = new Command("finetune", "Fine-tune the current models (rotation, sorting) on the training pool now; promote each only if its gate passes.")
        {
            state, steps, json, config, set,
        };
        command.SetAction((parse, cancellationToken) => Task.FromResult(CliErrors.Run(() =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (parse.GetValue(state) is { } stateDirectory)
            {
                overrides["State:Directory"] = Path.GetFullPath(stateDirectory);
            }
            ConfigurationOptions.AddAssignments(overrides, parse.GetValue(set));
            var configuration = DaemonHost.BuildConfiguration(new DaemonCommandLine { ConfigFile = parse.GetValue(config), Overrides = overrides });
            var stateOptions = Section<StateOptions>(configuration, StateOptions.Section);
            var fineTuning = Section<FineTuningOptions>(configuration, FineTuningOptions.Section);
            var localizer = Section<LocalizerOptions>(configuration, LocalizerOptions.Section);
            if (!Directory.Exists(stateOptions.Directory))
            {
                throw new DirectoryNotFoundException($"{stateOptions.Directory}: state directory not found (give the daemon's --state directory)");
            }

            using var logging = LoggerFactory.Create(builder => builder
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            var logger = logging.CreateLogger("finetune");
            var pool = new TrainingPool(Microsoft.Extensions.Options.Options.Create(fineTuning), Microsoft.Extensions.Options.Options.Create(stateOptions), TimeProvider.System, logging.CreateLogger<TrainingPool>());
            var cycle = new FineTuningCycle(fineTuning, stateOptions, localizer.ToSettings(), pool, TimeProvider.System, logger);
            var outcomes = cycle.Run(parse.GetValue(steps), cancellationToken: cancellationToken);

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(outcomes, FineTuningCycle.Json));
                return CliErrors.Ok;
            }
            foreach (var outcome in outcomes)
            {
                Console.WriteLine($"{outcome.Pretext}: {outcome.Status}{(outcome.CandidateVersion is { } v ? $" as {v}" : "")}: current {outcome.CurrentVersion}, " +
                    $"held-out {outcome.Metric?.Replace('_', ' ') ?? "pretext accuracy"} {Figure(outcome.CurrentAccuracy)} -> {Figure(outcome.CandidateAccuracy)} " +
                    $"({outcome.TrainingScans} training, {outcome.HeldOutScans} held-out scans, {outcome.Steps} steps, {outcome.Seconds} s)");
                foreach (var reason in outcome.Reasons)
                {
                    Console.WriteLine($"  {reason}");
                }
            }
            return CliErrors.Ok;
        })));
        return command;
    }

    private static string Figure(double? value) => value is { } v ? v.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) : "-";

    /// <summary>Binds and validates one section; a bad value stops the verb with the key named, as it stops the daemon.</summary>
    private static T Section<T>(IConfiguration configuration, string name) where T : IValidatedOptions, new()
    {
        var options = new T();
        configuration.GetSection(name).Bind(options);
        var problems = options.Problems(name).ToList();
        return problems.Count == 0 ? options : throw new FormatException(string.Join("; ", problems));
    }
}
