using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TomoCrop.TestSupport;

namespace TomoCrop.Daemon.Tests;

/// <summary>
/// A real `tomocrop daemon` process on real temporary directories (watch, output, state), with the knobs the tests
/// turn: short quiet period and rescans, the classical localizer unless a test asks for the model.
/// </summary>
internal sealed class DaemonRun : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-daemon");
    private readonly StringBuilder _stderr = new();
    private Process? _process;

    public DaemonRun()
    {
        Directory.CreateDirectory(Watch);
        Directory.CreateDirectory(Output);
    }

    public string Root => _dir.Path;
    public string Watch => Path.Combine(_dir.Path, "recon");
    public string Output => Path.Combine(_dir.Path, "cropped");
    public string State => Path.Combine(_dir.Path, "state");
    public string JournalPath => Path.Combine(State, "journal", "journal.jsonl");

    public string StdErr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("not started");

    public bool HasExited => _process?.HasExited ?? true;

    /// <summary>Starts the daemon. <paramref name="settings"/> are extra KEY=VALUE configuration overrides.</summary>
    public void Start(double quietSeconds = 1.5, IDictionary<string, string>? environment = null, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] defaults =
        [
            "Completion:RescanSeconds=0.3",
            "Localizer:Method=classical",
            "Output:MinSavedPercent=1",
            "Processing:RetryBaseSeconds=0.2",
            "Log:Level=Debug",
        ];
        string[] arguments =
        [
            TomocropProcess.DllPath, "daemon", "--watch", Watch, "--output", Output, "--state", State,
            "--quiet-seconds", quietSeconds.ToString(CultureInfo.InvariantCulture),
            .. defaults.Concat(settings.Where(s => !s.StartsWith("--"))).SelectMany(s => new[] { "--set", s }),
            // Raw options ("--config=FILE") pass through as two tokens.
            .. settings.Where(s => s.StartsWith("--")).SelectMany(s => s.Split('=', 2)),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment.Remove("NOTIFY_SOCKET");
        start.Environment.Remove("WATCHDOG_USEC");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start tomocrop daemon");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>SIGKILL: no chance to clean up, as after a power cut or the OOM killer.</summary>
    public void Kill()
    {
        _process!.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as systemd stops the service; returns the exit code.</summary>
    public int Terminate(int timeoutSeconds = 60)
    {
        ExternalTool.RunChecked("kill", "-TERM", _process!.Id.ToString(CultureInfo.InvariantCulture));
        if (!_process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"daemon did not stop within {timeoutSeconds} s of SIGTERM");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public int WaitForExit(int timeoutSeconds = 120)
    {
        if (!_process!.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            throw new TimeoutException($"daemon did not exit within {timeoutSeconds} s; stderr: {StdErr}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>The latest journal stage of each source, read as another process would (the daemon keeps appending).</summary>
    public Dictionary<string, JsonObject> Journal()
    {
        var latest = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (!File.Exists(JournalPath))
        {
            return latest;
        }
        using var stream = new FileStream(JournalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            try
            {
                if (JsonNode.Parse(line) is JsonObject entry)
                {
                    latest[(string)entry["source"]!] = entry;
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // A line being appended right now.
            }
        }
        return latest;
    }

    public string? Stage(string source) => Journal().TryGetValue(source, out var entry) ? (string?)entry["stage"] : null;

    /// <summary>Everything the daemon logged to its daily files.</summary>
    public string Log()
    {
        var directory = Path.Combine(State, "logs");
        if (!Directory.Exists(directory))
        {
            return "";
        }
        var text = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(directory).Order())
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            text.Append(new StreamReader(stream).ReadToEnd());
        }
        return text.ToString();
    }

    /// <summary>Polls until <paramref name="condition"/> holds; on timeout fails with the daemon's own account.</summary>
    public void WaitUntil(Func<bool> condition, string what, int timeoutSeconds = 90)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(timeoutSeconds))
            {
                throw new TimeoutException($"waited {timeoutSeconds} s for {what}.\nstderr:\n{StdErr}\nlog:\n{Log()}");
            }
            if (HasExited && _process is not null)
            {
                throw new InvalidOperationException($"daemon exited ({_process.ExitCode}) while waiting for {what}.\nstderr:\n{StdErr}");
            }
            Thread.Sleep(50);
        }
    }

    /// <summary>Hidden temporaries of ours anywhere under the output root.</summary>
    public IReadOnlyList<string> Temporaries() =>
        Directory.EnumerateFileSystemEntries(Output, "*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p).Contains(".tomocrop-tmp-", StringComparison.Ordinal)).ToList();

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        _dir.Dispose();
    }
}
