using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.SystemConsole.Themes;
using TomoCrop.Daemon.Options;

namespace TomoCrop.Daemon.Hosting;

/// <summary>
/// Serilog: plain lines to the console (under journald with a syslog priority prefix and no timestamp, journald adds
/// its own; colour only on a terminal) and daily rolling files under the log directory.
/// </summary>
public static class DaemonLogging
{
    public static Logger Create(DaemonLoggingOptions options, string stateDirectory, bool quiet = false)
    {
        var directory = options.Directory is { Length: > 0 } d ? d : Path.Combine(stateDirectory, "logs");
        var underJournald = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 };
        var terminal = !Console.IsErrorRedirected;
        var console = underJournald
            ? "<{Priority}>{Message:lj}{NewLine}{Exception}"
            : "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {Message:lj}{NewLine}{Exception}";
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(options.ParsedLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.With<SyslogPriority>()
            .WriteTo.File(
                Path.Combine(directory, "tomocrop-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: options.RetainedDays,
                outputTemplate: "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {Message:lj}{NewLine}{Exception}");
        if (!quiet)
        {
            // stderr, so stdout stays free for what a caller may parse.
            configuration = configuration.WriteTo.Console(
                outputTemplate: console,
                theme: terminal && !underJournald ? AnsiConsoleTheme.Code : ConsoleTheme.None,
                standardErrorFromLevel: LogEventLevel.Verbose);
        }
        return configuration.CreateLogger();
    }

    /// <summary>The sd-daemon(3) priority journald reads from a line's "&lt;N&gt;" prefix.</summary>
    private sealed class SyslogPriority : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory factory) =>
            logEvent.AddPropertyIfAbsent(factory.CreateProperty("Priority", logEvent.Level switch
            {
                LogEventLevel.Fatal => 2,
                LogEventLevel.Error => 3,
                LogEventLevel.Warning => 4,
                LogEventLevel.Information => 6,
                _ => 7,
            }));
    }
}
