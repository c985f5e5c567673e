using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace TomoCrop.Daemon.Health;

/// <summary>
/// Sends WATCHDOG=1 every WATCHDOG_USEC/2 while <see cref="WorkLoopHealth"/> says the work loop progresses, and stops
/// sending when it does not, so systemd's WatchdogSec restarts a hung daemon. Inactive outside systemd.
/// </summary>
internal sealed class SystemdWatchdog(
    WorkLoopHealth health, TimeProvider time, ILogger<SystemdWatchdog> logger, ISystemdNotifier? notifier = null) : BackgroundService
{
    /// <summary>The period systemd asked for, if it asked this process (WATCHDOG_PID absent or ours).</summary>
    public static TimeSpan? RequestedPeriod()
    {
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (pid is not null && pid != Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
        {
            return null;
        }
        return long.TryParse(usec, NumberStyles.None, CultureInfo.InvariantCulture, out var micro) && micro > 0
            ? TimeSpan.FromMicroseconds(micro)
            : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (notifier is not { IsEnabled: true } || RequestedPeriod() is not { } period)
        {
            return;
        }
        logger.LogInformation("systemd watchdog every {Seconds:F1} s while the work loop progresses", period.TotalSeconds / 2);
        var wasStalled = false;
        using var timer = new PeriodicTimer(period / 2, time);
        do
        {
            // The loop may stay silent for up to one full period before systemd gives up on us.
            if (health.IsProgressing(period, out var stalled))
            {
                notifier.Notify(new ServiceState("WATCHDOG=1"));
                wasStalled = false;
            }
            else if (!wasStalled)
            {
                logger.LogError("work loop stalled ({Stalled}); no longer petting the systemd watchdog", stalled);
                wasStalled = true;
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
