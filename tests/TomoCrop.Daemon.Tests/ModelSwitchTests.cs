using TomoCrop.Models;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Tests;

/// <summary>The registry seen from a running daemon: the version used is journalled, a promotion is picked up live.</summary>
public sealed class ModelSwitchTests
{
    [Fact]
    public void A_running_daemon_switches_to_a_promoted_model_without_a_restart_and_rollback_restores_the_previous_one()
    {
        using var run = new DaemonRun();
        run.Start(1, null, "Localizer:Method=rotation", "Localizer:Device=cpu");
        var first = Path.Combine(run.Watch, "first.h5");
        Specimens.Write(first, VolumeFormat.Hdf5, Specimens.SmallShape, VoxelBox.Full(Specimens.SmallShape));
        run.WaitUntil(() => run.Stage(first) is "skipped" or "published", "the first volume");
        Assert.Equal("v0001", (string?)run.Journal()[first]["model_version"]);

        Tomocrop("models", "add", ModelCatalog.DefaultModelPath, "--state", run.State, "--note", "test copy");
        Tomocrop("models", "promote", "v0002", "--state", run.State);
        var second = Path.Combine(run.Watch, "second.h5");
        Specimens.Write(second, VolumeFormat.Hdf5, Specimens.SmallShape, VoxelBox.Full(Specimens.SmallShape));
        run.WaitUntil(() => run.Stage(second) is "skipped" or "published", "the second volume");
        Assert.Equal("v0002", (string?)run.Journal()[second]["model_version"]);
        Assert.Contains("model switched from v0001 to v0002", run.Log());
        Assert.Equal(0, run.Terminate());

        Assert.Contains("current model: v0001", Tomocrop("models", "rollback", "--state", run.State));
        var list = Tomocrop("models", "list", "--state", run.State);
        Assert.Contains("* v0001", list);
        Assert.Contains("  v0002", list);
    }

    [Fact]
    public void Promoting_an_unknown_version_fails_with_one_line_naming_it()
    {
        using var dir = new TempDirectory();
        var result = TomocropProcess.Run("models", "promote", "v0042", "--state", dir.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("v0042", result.StdErr);
        Assert.Single(result.StdErr.Trim().Split('\n'));
    }

    private static string Tomocrop(params string[] arguments)
    {
        var result = TomocropProcess.Run(arguments);
        Assert.True(result.ExitCode == 0, $"tomocrop {string.Join(' ', arguments)}: {result.StdErr}");
        return result.StdOut;
    }
}
