using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TomoCrop.Cropping.Publishing;
using TomoCrop.Daemon.Options;
using TomoCrop.Daemon.Processing;

namespace TomoCrop.Daemon.FineTuning;

/// <summary>
/// Runs a <see cref="FineTuningCycle"/> on the configured schedule (cron or interval) when enough scans entered the
/// pool since the last cycle. Cropping comes first: between training steps the cycle waits while any volume is
/// queued or being processed, and the device is free for it. A failed cycle is logged and the schedule goes on.
/// </summary>
public sealed class FineTuningService(
    IOptions<FineTuningOptions> options, IOptions<StateOptions> state, LocalizerWorker localizer, TrainingPool pool, WorkQueue queue,
    TimeProvider time, ILogger<FineTuningService> logger) : BackgroundService
{
    private readonly FineTuningOptions _options = options.Value;

    private string LastRunPath => Path.Combine(state.Value.FineTuningDirectory, "last-run.json");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }
        // Let the host finish starting before the first wait is computed.
        await Task.Yield();
        if ((localizer.RegistryPretext is not { } used || !_options.EffectivePretexts().Contains(used)) && localizer.Options.ToSettings() is var settings)
        {
            logger.LogWarning("fine-tuning is on for {Pretexts}, but the localizer does not use the registry of any of them (Localizer:Method {Method}, Localizer:ModelPath {Path}): promoted versions will not be used for cropping until it does",
                string.Join(", ", _options.EffectivePretexts()), settings.Method, settings.ModelPath ?? "unset");
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = _options.NextRun(time.GetUtcNow(), TimeZoneInfo.Local);
            logger.LogInformation("next fine-tuning check at {Next:u}", next);
            try
            {
                await Task.Delay(next - time.GetUtcNow() is { Ticks: > 0 } wait ? wait : TimeSpan.Zero, time, stoppingToken).ConfigureAwait(false);
                var lastRun = ReadLastRun();
                var fresh = pool.CountAddedSince(lastRun);
                if (fresh < _options.MinNewScans)
                {
                    logger.LogInformation("fine-tuning due, skipped: {Fresh} new pool scans since the last cycle, FineTuning:MinNewScans is {Min}", fresh, _options.MinNewScans);
                    continue;
                }
                var started = time.GetUtcNow().UtcDateTime;
                var cycle = new FineTuningCycle(_options, state.Value, localizer.Options.ToSettings(), pool, time, logger);
                await Task.Factory.StartNew(() => cycle.Run(beforeStep: YieldToCropping, cancellationToken: stoppingToken),
                    stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
                WriteLastRun(started);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                logger.LogInformation("fine-tuning stopped with the daemon; the current model is unchanged");
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogError("fine-tuning cycle failed, the current model is unchanged: {Error}", e.Message);
            }
        }
    }

    /// <summary>Blocks between training steps while volumes wait for or are in processing.</summary>
    private void YieldToCropping(CancellationToken cancellationToken)
    {
        if (!queue.IsBusy)
        {
            return;
        }
        logger.LogInformation("fine-tuning paused: volumes are waiting to be cropped");
        while (queue.IsBusy)
        {
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250));
            cancellationToken.ThrowIfCancellationRequested();
        }
        logger.LogInformation("fine-tuning resumed");
    }

    private DateTime ReadLastRun()
    {
        try
        {
            return File.Exists(LastRunPath) && JsonSerializer.Deserialize<LastRun>(File.ReadAllText(LastRunPath)) is { } last ? last.TimeUtc : DateTime.MinValue;
        }
        catch (JsonException)
        {
            return DateTime.MinValue;
        }
    }

    private void WriteLastRun(DateTime startedUtc)
    {
        Directory.CreateDirectory(state.Value.FineTuningDirectory);
        DurableFile.Replace(LastRunPath, JsonSerializer.SerializeToUtf8Bytes(new LastRun(startedUtc)));
    }

    private sealed record LastRun([property: System.Text.Json.Serialization.JsonPropertyName("time_utc")] DateTime TimeUtc);
}
