using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using TomoCrop.Daemon.Health;
using TomoCrop.Daemon.Options;
using TomoCrop.Watching;

namespace TomoCrop.Daemon.Processing;

/// <summary>
/// Watch → settle: rescans every root periodically (the truth: network filesystems send no events), sooner when the
/// file system watcher hints at a change, and queues each volume once its completion rule holds. A root whose
/// filesystem is gone trips a circuit breaker and is left alone for a while; the other roots go on.
/// </summary>
internal sealed class WatchService(
    IOptions<WatchOptions> watch, IOptions<CompletionOptions> completion, IOptions<ProcessingOptions> processing,
    WorkQueue queue, VolumeProcessor processor, WorkLoopHealth health, TimeProvider time, ILogger<WatchService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var roots = watch.Value.Roots.Select(root => new RootWatch(
            root,
            new RootScanner(root, completion.Value, logger),
            new CompletionTracker(completion.Value, time, logger),
            BreakerFor(root))).ToList();
        using var hints = new ChangeHints(roots.Select(r => r.Options.Path), logger);
        var interval = TimeSpan.FromSeconds(completion.Value.RescanSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                health.WatchLoopBeat();
                foreach (var root in roots)
                {
                    await ScanAsync(root, stoppingToken).ConfigureAwait(false);
                }
                health.WatchLoopBeat();
                // Events only bring the next scan forward; a file being written sends many, so keep a minimum gap.
                await Task.Delay(MinimumGap(interval), time, stoppingToken).ConfigureAwait(false);
                await hints.WaitAsync(interval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            queue.Complete();
        }
    }

    private static TimeSpan MinimumGap(TimeSpan interval) => interval < TimeSpan.FromSeconds(1) ? interval / 2 : TimeSpan.FromSeconds(1);

    private async Task ScanAsync(RootWatch root, CancellationToken stoppingToken)
    {
        IReadOnlyList<VolumeCandidate> scan;
        try
        {
            scan = root.Breaker.Execute(token =>
            {
                if (!Directory.Exists(root.Options.Path))
                {
                    throw new DirectoryNotFoundException($"{root.Options.Path}: watch root is gone (unmounted?)");
                }
                return root.Scanner.Scan(token);
            }, stoppingToken);
        }
        catch (BrokenCircuitException)
        {
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError("root {Root}: scan failed: {Error}", root.Options.Name, e.Message);
            return;
        }
        foreach (var candidate in root.Tracker.Update(scan))
        {
            if (processor.IsDone(candidate) || queue.IsQueuedOrActive(candidate.Path))
            {
                continue;
            }
            logger.LogInformation("{Source}: complete ({Format}, {Bytes} bytes); queued", candidate.Path, candidate.Format, candidate.Fingerprint.SizeBytes);
            await queue.EnqueueAsync(candidate, stoppingToken).ConfigureAwait(false);
        }
    }

    private ResiliencePipeline BreakerFor(WatchRootOptions root)
    {
        var breakSeconds = processing.Value.CircuitBreakSeconds;
        return new ResiliencePipelineBuilder { TimeProvider = time }.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<IOException>().Handle<UnauthorizedAccessException>(),
            FailureRatio = 1.0,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromSeconds(Math.Max(0.5, breakSeconds * 2)),
            BreakDuration = TimeSpan.FromSeconds(breakSeconds),
            OnOpened = args =>
            {
                logger.LogError("root {Root} paused for {Seconds:F0} s: {Error}", root.Name, args.BreakDuration.TotalSeconds, args.Outcome.Exception?.Message);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                logger.LogInformation("root {Root} reachable again; watching resumed", root.Name);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    private sealed record RootWatch(WatchRootOptions Options, RootScanner Scanner, CompletionTracker Tracker, ResiliencePipeline Breaker);
}
