using System.CommandLine;
using TomoCrop.Daemon.Hosting;

namespace TomoCrop.Cli.Commands;

/// <summary>--config and --set, shared by the verbs that read the daemon's configuration (daemon, finetune).</summary>
internal static class ConfigurationOptions
{
    public static Option<string?> ConfigFile() => new("--config")
    {
        Description = $"site configuration file (default {DaemonHost.SiteConfigFile} or ${DaemonHost.ConfigEnvironmentVariable}); reloaded when it changes",
    };

    public static Option<string[]> Set() => new("--set")
    {
        Description = "set a configuration key, e.g. --set Localizer:MarginVoxels=12 (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Adds each KEY=VALUE of --set to <paramref name="overrides"/>.</summary>
    public static void AddAssignments(IDictionary<string, string?> overrides, IEnumerable<string>? assignments)
    {
        foreach (var assignment in assignments ?? [])
        {
            var equals = assignment.IndexOf('=');
            if (equals <= 0)
            {
                throw new FormatException($"--set '{assignment}' is not KEY=VALUE");
            }
            overrides[assignment[..equals].Trim()] = assignment[(equals + 1)..];
        }
    }
}
