using System.Diagnostics;
using TomoCrop.TestSupport;

namespace TomoCrop.Watching.Tests;

public sealed class ChangeHintsTests : IDisposable
{
    private readonly TempDirectory _root = new("tomocrop-hints-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Returns_early_when_a_file_is_created_in_a_subdirectory()
    {
        Directory.CreateDirectory(_root.File("run1"));
        using var hints = new ChangeHints([_root.Path]);
        var clock = Stopwatch.StartNew();

        var waiting = hints.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        await Task.Delay(100);
        await File.WriteAllTextAsync(_root.File("run1/scan.h5"), "x");

        Assert.True(await waiting);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_change_between_two_waits_is_not_lost()
    {
        using var hints = new ChangeHints([_root.Path]);
        await File.WriteAllTextAsync(_root.File("scan.h5"), "x");
        await Task.Delay(500); // the event arrives while nobody waits (the daemon is scanning)

        var clock = Stopwatch.StartNew();
        Assert.True(await hints.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Returns_at_the_timeout_when_nothing_changes()
    {
        using var hints = new ChangeHints([_root.Path]);
        var clock = Stopwatch.StartNew();

        Assert.False(await hints.WaitAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_missing_root_is_not_watched_but_waiting_still_works_and_cancellation_throws()
    {
        using var hints = new ChangeHints([_root.File("not-mounted"), _root.Path]);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.Equal(1, hints.WatchedRoots);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hints.WaitAsync(TimeSpan.FromSeconds(20), cancel.Token));
    }
}
