using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TomoCrop.Daemon.Options;
using TomoCrop.Watching;

namespace TomoCrop.Daemon.Processing;

/// <summary>Completed volumes waiting for a worker: bounded, so a burst of arrivals waits in the watcher, not in memory.</summary>
public sealed class WorkQueue
{
    private readonly Channel<VolumeCandidate> _channel;
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);

    public WorkQueue(IOptions<ProcessingOptions> options)
    {
        _channel = Channel.CreateBounded<VolumeCandidate>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
    }

    public ChannelReader<VolumeCandidate> Reader => _channel.Reader;

    /// <summary>Queues a volume unless it is already waiting or being processed.</summary>
    public async ValueTask<bool> EnqueueAsync(VolumeCandidate candidate, CancellationToken cancellationToken)
    {
        lock (_queued)
        {
            if (!_queued.Add(candidate.Path))
            {
                return false;
            }
        }
        await _channel.Writer.WriteAsync(candidate, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>A worker finished with a volume; it may be queued again (e.g. after it changed).</summary>
    public void Done(VolumeCandidate candidate)
    {
        lock (_queued)
        {
            _queued.Remove(candidate.Path);
        }
    }

    public bool IsQueuedOrActive(string path)
    {
        lock (_queued)
        {
            return _queued.Contains(path);
        }
    }

    /// <summary>True while any volume waits in the queue or is being processed.</summary>
    public bool IsBusy
    {
        get
        {
            lock (_queued)
            {
                return _queued.Count > 0;
            }
        }
    }

    public void Complete() => _channel.Writer.TryComplete();
}
