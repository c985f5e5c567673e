using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using TomoCrop.Daemon.Options;

namespace TomoCrop.Daemon.Hosting;

/// <summary>What the command line adds on top of the configuration files.</summary>
public sealed record DaemonCommandLine
{
    /// <summary>The site configuration file (default /etc/tomocrop/appsettings.json, or $TOMOCROP_CONFIG); reloaded on change.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Configuration keys set last, e.g. "Watch:Roots:0:Path" → "/data/recon".</summary>
    public IReadOnlyDictionary<string, string?> Overrides { get; init; } = new Dictionary<string, string?>();

    /// <summary>Log to files only (for tests and scripts that read stdout).</summary>
    public bool Quiet { get; init; }
}

/// <summary>Builds and runs `tomocrop daemon` on the Generic Host with systemd integration.</summary>
public static class DaemonHost
{
    public const string SiteConfigFile = "/etc/tomocrop/appsettings.json";
    public const string ConfigEnvironmentVariable = "TOMOCROP_CONFIG";
    public const int ExitConfiguration = 78; // EX_CONFIG: systemd's unit does not restart on it.
    public const int ExitFailure = 70;

    /// <summary>appsettings.json beside the program, then the site file, then TOMOCROP_* environment, then the command line.</summary>
    public static IConfigurationRoot BuildConfiguration(DaemonCommandLine commandLine)
    {
        var siteFile = commandLine.ConfigFile ?? Environment.GetEnvironmentVariable(ConfigEnvironmentVariable) ?? SiteConfigFile;
        return new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.GetFullPath(siteFile), optional: commandLine.ConfigFile is null, reloadOnChange: true)
            .AddEnvironmentVariables("TOMOCROP_")
            .AddInMemoryCollection(commandLine.Overrides)
            .Build();
    }

    public static IHost Build(DaemonCommandLine commandLine, Action<IServiceCollection>? configureServices = null)
    {
        var configuration = BuildConfiguration(commandLine);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
            Configuration = new ConfigurationManager(),
        });
        builder.Configuration.AddConfiguration(configuration);
        var state = new StateOptions();
        configuration.GetSection(StateOptions.Section).Bind(state);
        var logging = new DaemonLoggingOptions();
        configuration.GetSection(DaemonLoggingOptions.Section).Bind(logging);
        if (logging.Problems(DaemonLoggingOptions.Section).ToList() is { Count: > 0 } problems)
        {
            throw new StartupCheckException(problems);
        }
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(DaemonLogging.Create(logging, state.Directory, commandLine.Quiet), dispose: true);
        builder.Services.AddSystemd();
        var processing = new ProcessingOptions();
        configuration.GetSection(ProcessingOptions.Section).Bind(processing);
        // The workers get StopTimeoutSeconds to finish their volume; the host waits a little longer for the bookkeeping.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(processing.StopTimeoutSeconds + 15));
        builder.Services.AddTomoCropDaemon(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Runs until SIGTERM/SIGINT. 0 on a clean stop, 78 when start-up checks fail, 70 on any other failure.</summary>
    public static async Task<int> RunAsync(DaemonCommandLine commandLine, CancellationToken cancellationToken = default)
    {
        IHost host;
        try
        {
            host = Build(commandLine);
        }
        catch (Exception e) when (e is StartupCheckException or InvalidOperationException or InvalidDataException or IOException or FormatException)
        {
            await Console.Error.WriteLineAsync($"tomocrop daemon: {OneLine(e.Message)}").ConfigureAwait(false);
            return ExitConfiguration;
        }
        using (host)
        {
            try
            {
                host.Services.GetRequiredService<StartupChecks>().Run();
            }
            catch (StartupCheckException e)
            {
                host.Services.GetRequiredService<ILogger<StartupChecks>>().LogCritical("{Problems}", e.Message);
                foreach (var problem in e.Problems)
                {
                    await Console.Error.WriteLineAsync($"tomocrop daemon: {OneLine(problem)}").ConfigureAwait(false);
                }
                return ExitConfiguration;
            }
            try
            {
                await host.RunAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await Console.Error.WriteLineAsync($"tomocrop daemon: failed: {e.GetType().Name}: {OneLine(e.Message)}").ConfigureAwait(false);
                return ExitFailure;
            }
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
