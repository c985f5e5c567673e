using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TomoCrop.Watching;

/// <summary>
/// File-system events as a hint to rescan sooner, never as the truth: inotify loses events before a watch exists,
/// overflows under load, and NFS/GPFS/Lustre clients get none for remote writers. <see cref="WaitAsync"/> ends early
/// when anything changed under a root since the previous wait (events are remembered, not lost between waits),
/// else at the timeout; the periodic rescan it paces finds what the events missed.
/// </summary>
public sealed class ChangeHints : IDisposable
{
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private int _overflowReported;
    private bool _disposed;

    public ChangeHints(IEnumerable<string> roots, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        foreach (var root in roots)
        {
            if (Directory.Exists(root))
            {
                Watch(root);
            }
            else
            {
                _logger.LogWarning("Not watching {Root} for changes: it does not exist; periodic rescans still cover it", root);
            }
        }
    }

    /// <summary>Roots with a working watcher.</summary>
    public int WatchedRoots
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>
    /// Waits until a change was signalled (true; also when it came before this call) or <paramref name="timeout"/>
    /// passed (false). Cancelling <paramref name="ct"/> throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _changed.WaitAsync(timeout, ct);

    private void Watch(string root)
    {
        var watcher = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.Size | NotifyFilters.LastWrite,
        };
        watcher.Created += OnChange;
        watcher.Changed += OnChange;
        watcher.Deleted += OnChange;
        watcher.Renamed += OnChange;
        watcher.Error += (_, e) => OnError(root, watcher, e.GetException());
        try
        {
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            // E.g. the inotify watch limit (fs.inotify.max_user_watches): rescans alone still find everything.
            _logger.LogWarning("Not watching {Root} for changes ({Error}); periodic rescans still cover it", root, e.Message);
            watcher.Dispose();
            return;
        }
        lock (_gate)
        {
            if (_disposed)
            {
                watcher.Dispose();
                return;
            }
            _watchers.Add(watcher);
        }
    }

    private void OnChange(object sender, FileSystemEventArgs e) => Signal();

    /// <summary>
    /// An overflow means events were lost: rescan now. On Linux the watcher stops after it, so a new one replaces it
    /// (on the thread pool: a watcher is not disposed from inside its own callback).
    /// </summary>
    private void OnError(string root, FileSystemWatcher watcher, Exception error)
    {
        Signal();
        if (Interlocked.Exchange(ref _overflowReported, 1) == 0)
        {
            _logger.LogWarning("File-system events for {Root} were lost ({Error}); rescanning, and watching anew (reported once)", root, error.Message);
        }
        _ = Task.Run(() =>
        {
            lock (_gate)
            {
                if (_disposed || !_watchers.Remove(watcher))
                {
                    return;
                }
            }
            watcher.Dispose();
            if (Directory.Exists(root))
            {
                Watch(root);
            }
        });
    }

    private void Signal()
    {
        if (_changed.CurrentCount > 0)
        {
            return;
        }
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another event signalled first: one pending signal is all a rescan needs.
        }
        catch (ObjectDisposedException)
        {
            // An event raced with Dispose.
        }
    }

    public void Dispose()
    {
        List<FileSystemWatcher> watchers;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            watchers = [.. _watchers];
            _watchers.Clear();
        }
        foreach (var watcher in watchers)
        {
            watcher.Dispose();
        }
        _changed.Dispose();
    }
}
