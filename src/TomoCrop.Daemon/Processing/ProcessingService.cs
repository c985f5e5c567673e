using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TomoCrop.Daemon.Options;

namespace TomoCrop.Daemon.Processing;

/// <summary>
/// The workers: Processing:IoParallelism of them take completed volumes off the queue. On stop, the current volumes
/// get Processing:StopTimeoutSeconds to finish, then are cancelled (their temporaries removed, journal "abandoned").
/// </summary>
internal sealed class ProcessingService(
    WorkQueue queue, VolumeProcessor processor, IOptions<ProcessingOptions> options, ILogger<ProcessingService> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopTaking = new();
    private readonly CancellationTokenSource _abandon = new();
    private Task _workers = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _workers = Task.WhenAll(Enumerable.Range(0, options.Value.IoParallelism).Select(i => Task.Run(() => WorkAsync(i))));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Finish (or abandon) the volumes in hand; what is still queued is re-detected at the next start.
        queue.Complete();
        await _stopTaking.CancelAsync().ConfigureAwait(false);
        _abandon.CancelAfter(TimeSpan.FromSeconds(options.Value.StopTimeoutSeconds));
        using var hostGivesUp = cancellationToken.Register(_abandon.Cancel);
        await _workers.ConfigureAwait(false);
    }

    private async Task WorkAsync(int worker)
    {
        try
        {
            while (!_stopTaking.IsCancellationRequested && await queue.Reader.WaitToReadAsync(_stopTaking.Token).ConfigureAwait(false))
            {
                if (!queue.Reader.TryRead(out var candidate))
                {
                    continue;
                }
                try
                {
                    await processor.ProcessAsync(candidate, worker, _abandon.Token).ConfigureAwait(false);
                }
                finally
                {
                    queue.Done(candidate);
                }
            }
        }
        catch (OperationCanceledException) when (_stopTaking.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // ProcessAsync contains every per-volume failure; reaching here is a bug, and must not take the daemon down silently.
            logger.LogCritical(e, "worker {Worker} failed", worker);
            throw;
        }
    }
}
