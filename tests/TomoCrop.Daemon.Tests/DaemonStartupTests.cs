using System.Net.Sockets;
using System.Text;
using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Tests;

/// <summary>Start-up checks, systemd notification, configuration reload: the real process, the real socket.</summary>
public sealed class DaemonStartupTests
{
    [Fact]
    public void A_missing_watch_root_stops_start_up_with_the_key_named()
    {
        using var run = new DaemonRun();
        Directory.Delete(run.Watch);
        run.Start();
        Assert.Equal(78, run.WaitForExit());
        Assert.Contains("Watch:Roots:0:Path", run.StdErr);
        Assert.Contains(run.Watch, run.StdErr);
    }

    [Fact]
    public void A_wrong_value_stops_start_up_with_the_key_named()
    {
        using var run = new DaemonRun();
        run.Start(1, null, "Processing:IoParallelism=0", "Localizer:ThresholdRule=median");
        Assert.Equal(78, run.WaitForExit());
        Assert.Contains("Processing:IoParallelism", run.StdErr);
        Assert.Contains("Localizer:ThresholdRule", run.StdErr);
    }

    [Fact]
    public void A_model_whose_sha256_is_not_the_pinned_one_stops_start_up()
    {
        using var run = new DaemonRun();
        run.Start(1, null, "Localizer:Method=rotation", "Localizer:Device=cpu", "Localizer:ModelSha256=" + new string('0', 64));
        Assert.Equal(78, run.WaitForExit());
        Assert.Contains("Localizer:ModelSha256", run.StdErr);
    }

    [Fact]
    public void Systemd_hears_ready_after_the_checks_watchdog_while_it_works_and_stopping_on_SIGTERM()
    {
        using var run = new DaemonRun();
        var socketPath = Path.Combine(run.Root, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        socket.ReceiveTimeout = 30_000;
        run.Start(1, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath, ["WATCHDOG_USEC"] = "1000000" });

        var messages = new List<string>();
        string Next()
        {
            var buffer = new byte[4096];
            var length = socket.Receive(buffer);
            var message = Encoding.UTF8.GetString(buffer, 0, length);
            messages.Add(message);
            return message;
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!messages.Any(m => m.Contains("READY=1")) && DateTime.UtcNow < deadline)
        {
            Next();
        }
        Assert.Contains(messages, m => m.Contains("READY=1"));
        Assert.Contains("start-up checks passed", run.Log());
        var pets = 0;
        while (pets < 2 && DateTime.UtcNow < deadline)
        {
            pets += Next().Contains("WATCHDOG=1") ? 1 : 0;
        }
        Assert.Equal(2, pets);

        ExternalToolKill(run.ProcessId);
        while (!messages.Any(m => m.Contains("STOPPING=1")) && DateTime.UtcNow < deadline)
        {
            Next();
        }
        Assert.Contains(messages, m => m.Contains("STOPPING=1"));
        Assert.Equal(0, run.WaitForExit());
    }

    [Fact]
    public void Thresholds_and_margins_reload_when_the_configuration_file_changes_and_a_bad_change_is_refused()
    {
        using var run = new DaemonRun();
        var config = Path.Combine(run.Root, "site.json");
        File.WriteAllText(config, """{ "Localizer": { "MarginVoxels": 4 } }""");
        run.Start(1, null, $"--config={config}");
        run.WaitUntil(() => run.Log().Contains("start-up checks passed"), "start-up");

        File.WriteAllText(config, """{ "Localizer": { "MarginVoxels": 9 } }""");
        run.WaitUntil(() => run.Log().Contains("margin_voxels=9"), "the reload logged", timeoutSeconds: 30);

        File.WriteAllText(config, """{ "Localizer": { "MarginVoxels": -3 } }""");
        run.WaitUntil(() => run.Log().Contains("reload ignored"), "the bad reload refused", timeoutSeconds: 30);
        Assert.Contains("Localizer:MarginVoxels", run.Log());

        // Still working with the last good settings.
        var volume = Path.Combine(run.Watch, "after-reload.h5");
        Specimens.Write(volume, VolumeFormat.Hdf5, Specimens.SmallShape, Specimens.SmallBox);
        run.WaitUntil(() => run.Stage(volume) == "published", "a crop after the reloads");
        Assert.Equal(0, run.Terminate());
    }

    private static void ExternalToolKill(int pid) => TomoCrop.TestSupport.ExternalTool.RunChecked("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
