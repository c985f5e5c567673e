namespace TomoCrop.Daemon.Health;

/// <summary>
/// Whether the work loop makes progress: the watch loop beats on every pass, a worker beats on every slab it crops.
/// The watchdog pets systemd only while both are fresh, so a hung scan or a hung crop gets the service restarted.
/// </summary>
public sealed class WorkLoopHealth(TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<int, DateTimeOffset> _activeWorkers = [];
    private DateTimeOffset _watchLoop = time.GetUtcNow();

    public void WatchLoopBeat()
    {
        lock (_gate)
        {
            _watchLoop = time.GetUtcNow();
        }
    }

    /// <summary>A worker starts a volume, or reports progress on it.</summary>
    public void WorkerBeat(int worker)
    {
        lock (_gate)
        {
            _activeWorkers[worker] = time.GetUtcNow();
        }
    }

    public void WorkerIdle(int worker)
    {
        lock (_gate)
        {
            _activeWorkers.Remove(worker);
        }
    }

    /// <summary>True when the watch loop and every busy worker reported within <paramref name="window"/>.</summary>
    public bool IsProgressing(TimeSpan window, out string? stalled)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (now - _watchLoop > window)
            {
                stalled = $"watch loop silent for {(now - _watchLoop).TotalSeconds:F0} s";
                return false;
            }
            foreach (var (worker, last) in _activeWorkers)
            {
                if (now - last > window)
                {
                    stalled = $"worker {worker} silent for {(now - last).TotalSeconds:F0} s";
                    return false;
                }
            }
        }
        stalled = null;
        return true;
    }
}
