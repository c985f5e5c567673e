namespace TomoCrop.Daemon.Options;

/// <summary>Section "Processing": queue, parallelism, retries, circuit breaker, stop timeout.</summary>
public sealed class ProcessingOptions : IValidatedOptions
{
    public const string Section = "Processing";

    /// <summary>Completed volumes waiting for a worker; the watcher waits when it is full.</summary>
    public int QueueCapacity { get; set; } = 64;

    /// <summary>Volumes cropped at once (I/O bound). Localization runs one at a time per device regardless.</summary>
    public int IoParallelism { get; set; } = 1;

    /// <summary>Attempts for a transient I/O error (first try included), with exponential backoff and jitter.</summary>
    public int RetryAttempts { get; set; } = 4;

    public double RetryBaseSeconds { get; set; } = 2;

    /// <summary>How long a root whose filesystem is gone is left alone before the next try.</summary>
    public double CircuitBreakSeconds { get; set; } = 120;

    /// <summary>Time a stopping daemon gives the current volume before abandoning it (temporaries removed).</summary>
    public double StopTimeoutSeconds { get; set; } = 60;

    public IEnumerable<string> Problems(string section) => OptionRange.Problems(
        OptionRange.Check(section, nameof(QueueCapacity), QueueCapacity, 1, 1_000_000),
        OptionRange.Check(section, nameof(IoParallelism), IoParallelism, 1, 64),
        OptionRange.Check(section, nameof(RetryAttempts), RetryAttempts, 1, 20),
        OptionRange.Check(section, nameof(RetryBaseSeconds), RetryBaseSeconds, 0.001, 3600),
        // 0.5 s is Polly's minimum break.
        OptionRange.Check(section, nameof(CircuitBreakSeconds), CircuitBreakSeconds, 0.5, 86400),
        OptionRange.Check(section, nameof(StopTimeoutSeconds), StopTimeoutSeconds, 1, 86400));
}
