using Serilog.Events;

namespace TomoCrop.Daemon.Options;

/// <summary>Section "Log": console (journald) and daily rolling files.</summary>
public sealed class DaemonLoggingOptions : IValidatedOptions
{
    public const string Section = "Log";

    /// <summary>Rolling log files; null = STATE/logs.</summary>
    public string? Directory { get; set; }

    public int RetainedDays { get; set; } = 30;

    public string Level { get; set; } = "Information";

    public LogEventLevel ParsedLevel => Enum.TryParse<LogEventLevel>(Level, ignoreCase: true, out var level)
        ? level
        : throw new FormatException($"'{Level}' is not one of {string.Join(", ", Enum.GetNames<LogEventLevel>())}");

    public IEnumerable<string> Problems(string section)
    {
        if (!Enum.TryParse<LogEventLevel>(Level, ignoreCase: true, out _))
        {
            yield return $"{section}:Level: '{Level}' is not one of {string.Join(", ", Enum.GetNames<LogEventLevel>())}";
        }
        if (RetainedDays is < 1 or > 3650)
        {
            yield return $"{section}:RetainedDays: must be within 1–3650, not {RetainedDays}";
        }
        if (Directory is { Length: > 0 } d && !Path.IsPathFullyQualified(d))
        {
            yield return $"{section}:Directory: must be an absolute path, not '{d}'";
        }
    }
}
