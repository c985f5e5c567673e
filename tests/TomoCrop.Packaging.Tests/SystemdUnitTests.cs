using System.Globalization;
using System.Text.RegularExpressions;
using TomoCrop.TestSupport;

namespace TomoCrop.Packaging.Tests;

/// <summary>
/// systemd's own checks on systemd/tomocrop.service: `systemd-analyze verify` must print nothing (it warns on
/// stderr but still exits 0 for unknown keys, so silence is the criterion) and `systemd-analyze security
/// --offline=yes` must rate the exposure at most 2.0, also with the GPU drop-in.
/// </summary>
public sealed partial class SystemdUnitTests : IDisposable
{
    private const double MaxExposure = 2.0;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string UnitText => File.ReadAllText(Repository.PathOf("systemd", "tomocrop.service"));

    /// <summary>
    /// A copy of the unit in its own unit directory whose ExecStart points at an executable that exists here (verify
    /// checks the binary; the installed one is verified with the real path by the .deb test), plus drop-ins.
    /// </summary>
    private string UnitDirectory(string unitText, params string[] dropIns)
    {
        var unitDirectory = Path.Combine(_dir.Path, "units");
        Directory.CreateDirectory(unitDirectory);
        var executable = Path.Combine(_dir.Path, "tomocrop");
        File.Copy("/bin/true", executable, overwrite: true);
        File.WriteAllText(Path.Combine(unitDirectory, "tomocrop.service"),
            ExecStart().Replace(unitText, $"ExecStart={executable} daemon"));
        foreach (var dropIn in dropIns)
        {
            var directory = Directory.CreateDirectory(Path.Combine(unitDirectory, "tomocrop.service.d")).FullName;
            File.Copy(Repository.PathOf("systemd", "tomocrop.service.d", dropIn + ".conf.example"), Path.Combine(directory, dropIn + ".conf"), overwrite: true);
        }
        return unitDirectory;
    }

    /// <summary>systemd-analyze with the unit directory first in the search path (the trailing ':' keeps the defaults).</summary>
    private static ExternalTool.Result Analyze(string unitDirectory, params string[] arguments) =>
        ExternalTool.Run("systemd-analyze", arguments, environment: new Dictionary<string, string?> { ["SYSTEMD_UNIT_PATH"] = unitDirectory + ":" });

    [Theory]
    [InlineData("")]
    [InlineData("roots,gpu")]
    public void Verify_is_silent_for_the_unit_and_its_drop_in_examples(string dropIns)
    {
        var result = Analyze(UnitDirectory(UnitText, dropIns.Split(',', StringSplitOptions.RemoveEmptyEntries)), "verify", "tomocrop.service");

        Assert.True(result.ExitCode == 0 && result.StdErr.Trim().Length == 0 && result.StdOut.Trim().Length == 0,
            $"exit {result.ExitCode}:\n{result.StdErr}{result.StdOut}");
    }

    [Fact]
    public void Verify_catches_a_misspelt_directive_so_the_silence_above_means_something()
    {
        var broken = UnitText.Replace("ProtectKernelLogs=yes", "ProtectKernelLog=yes", StringComparison.Ordinal);

        var result = Analyze(UnitDirectory(broken), "verify", "tomocrop.service");

        Assert.Contains("Unknown key 'ProtectKernelLog'", result.StdErr);
    }

    [Theory]
    [InlineData("")]
    [InlineData("roots,gpu")]
    public void Security_exposure_is_at_most_2(string dropIns)
    {
        var exposure = Exposure(Analyze(UnitDirectory(UnitText, dropIns.Split(',', StringSplitOptions.RemoveEmptyEntries)), "security", "--offline=yes", "--no-pager", "tomocrop.service"));

        Assert.True(exposure <= MaxExposure, $"exposure {exposure} > {MaxExposure}");
    }

    [Fact]
    public void Exposure_parsing_sees_a_weak_unit_as_weak()
    {
        var weak = string.Join('\n', UnitText.Split('\n').Where(l => !l.StartsWith("Protect", StringComparison.Ordinal)
            && !l.StartsWith("Private", StringComparison.Ordinal) && !l.StartsWith("SystemCall", StringComparison.Ordinal)
            && !l.StartsWith("Restrict", StringComparison.Ordinal) && !l.StartsWith("CapabilityBoundingSet", StringComparison.Ordinal)));

        Assert.True(Exposure(Analyze(UnitDirectory(weak), "security", "--offline=yes", "--no-pager", "tomocrop.service")) > 5);
    }

    [Fact]
    public void The_unit_declares_what_the_daemon_and_the_package_rely_on()
    {
        var directives = UnitText.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#') && l.Contains('='))
            .Select(l => (Key: l[..l.IndexOf('=')], Value: l[(l.IndexOf('=') + 1)..])).ToLookup(d => d.Key, d => d.Value);
        string Single(string key) => Assert.Single(directives[key]);

        Assert.Equal("notify", Single("Type"));
        Assert.Equal("main", Single("NotifyAccess"));
        Assert.Equal("/usr/lib/tomocrop/tomocrop daemon", Single("ExecStart"));
        Assert.Equal("on-failure", Single("Restart"));
        Assert.Equal("tomocrop", Single("User"));
        Assert.Equal("strict", Single("ProtectSystem"));
        Assert.Equal("/var/lib/tomocrop /var/log/tomocrop", Single("ReadWritePaths"));
        Assert.Equal("AF_UNIX", Single("RestrictAddressFamilies"));
        Assert.Equal("no", Single("MemoryDenyWriteExecute")); // the JIT needs W+X pages
        Assert.Equal("", Single("CapabilityBoundingSet"));
        Assert.True(Seconds(Single("WatchdogSec")) is >= 30 and <= 600);
        Assert.True(Seconds(Single("RestartSec")) >= 5);
        Assert.True(Seconds(Single("TimeoutStopSec")) >= 30);
    }

    private static double Seconds(string value) => double.Parse(value.TrimEnd('s'), CultureInfo.InvariantCulture);

    private static double Exposure(ExternalTool.Result result)
    {
        var match = OverallExposure().Match(result.StdOut);
        Assert.True(match.Success, $"no overall exposure in the output (exit {result.ExitCode}):\n{result.StdErr}\n{result.StdOut}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Overall exposure level for tomocrop\.service: (\d+(?:\.\d+)?)")]
    private static partial Regex OverallExposure();

    [GeneratedRegex(@"(?m)^ExecStart=.*$")]
    private static partial Regex ExecStart();
}
