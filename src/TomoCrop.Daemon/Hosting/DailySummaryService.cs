using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TomoCrop.Reporting.Savings;

namespace TomoCrop.Daemon.Hosting;

/// <summary>Writes each finished day's storage-saving summary (at start, and every few minutes, so midnight is caught).</summary>
internal sealed class DailySummaryService(SavingsLog savings, TimeProvider time, ILogger<DailySummaryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(5), time);
        do
        {
            try
            {
                var written = savings.CloseFinishedDays();
                if (written > 0)
                {
                    foreach (var day in savings.Days(written + 1).Where(d => d.Volumes > 0 && d.Day < DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)).TakeLast(written))
                    {
                        logger.LogInformation(
                            "day {Day} closed: {Volumes} volumes, {In} bytes in, {Out} bytes out, {Saved:F1} % saved",
                            day.Day, day.Volumes, day.BytesIn, day.BytesOut, day.SavedPercent);
                    }
                }
            }
            catch (IOException e)
            {
                logger.LogError("daily savings summary not written: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
