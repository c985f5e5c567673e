using Microsoft.Extensions.Time.Testing;
using TomoCrop.Daemon.Health;

namespace TomoCrop.Daemon.Tests;

public sealed class WorkLoopHealthTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    [Fact]
    public void A_silent_watch_loop_is_a_stall()
    {
        var time = new FakeTimeProvider();
        var health = new WorkLoopHealth(time);
        Assert.True(health.IsProgressing(Window, out _));
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(health.IsProgressing(Window, out var stalled));
        Assert.Contains("watch loop", stalled);
        health.WatchLoopBeat();
        Assert.True(health.IsProgressing(Window, out _));
    }

    [Fact]
    public void A_busy_worker_must_report_progress_but_an_idle_one_need_not()
    {
        var time = new FakeTimeProvider();
        var health = new WorkLoopHealth(time);
        health.WorkerBeat(0);
        time.Advance(TimeSpan.FromSeconds(45));
        health.WatchLoopBeat();
        Assert.True(health.IsProgressing(Window, out _));
        time.Advance(TimeSpan.FromSeconds(30));
        health.WatchLoopBeat();
        Assert.False(health.IsProgressing(Window, out var stalled));
        Assert.Contains("worker 0", stalled);
        health.WorkerIdle(0);
        Assert.True(health.IsProgressing(Window, out _));
    }
}
