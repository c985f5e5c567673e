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

    public IEnumerable<string> Problems(string section)
    {
        if (QueueCapacity < 1)
        {
            yield return $"{section}:QueueCapacity: must be ≥ 1, not {QueueCapacity}";
        }
        if (IoParallelism is < 1 or > 64)
        {
            yield return $"{section}:IoParallelism: must be within 1–64, not {IoParallelism}";
        }
        if (RetryAttempts is < 1 or > 20)
        {
            yield return $"{section}:RetryAttempts: must be within 1–20, not {RetryAttempts}";
        }
        if (double.IsNaN(RetryBaseSeconds) || RetryBaseSeconds <= 0)
        {
            yield return $"{section}:RetryBaseSeconds: must be > 0, not {RetryBaseSeconds}";
        }
        if (double.IsNaN(CircuitBreakSeconds) || CircuitBreakSeconds < 0.5)
        {
            yield return $"{section}:CircuitBreakSeconds: must be ≥ 0.5 (Polly's minimum), not {CircuitBreakSeconds}";
        }
        if (double.IsNaN(StopTimeoutSeconds) || StopTimeoutSeconds < 1)
        {
            yield return $"{section}:StopTimeoutSeconds: must be ≥ 1, not {StopTimeoutSeconds}";
        }
    }
}
