using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TomoCrop.TestSupport;
using Xunit.Abstractions;

namespace TomoCrop.Packaging.Tests;

/// <summary>
/// The .deb from packaging/build-deb.sh: what it holds, then a real dpkg install on this machine (root here and in
/// CI), the installed `tomocrop` run with its shipped model, and dpkg remove and purge with the user-data rules.
/// </summary>
public sealed partial class DebPackageTests(DebPackage deb, ITestOutputHelper output) : IClassFixture<DebPackage>
{
    private const string StateDirectory = "/var/lib/tomocrop";
    private const string LogDirectory = "/var/log/tomocrop";
    private const string Conffile = "/etc/tomocrop/appsettings.json";

    private static string[] Listing(string deb) => ExternalTool.RunChecked("dpkg-deb", "-c", deb).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void The_package_holds_the_self_contained_program_its_model_config_unit_and_directories()
    {
        output.WriteLine($"built {deb.Path} in {deb.BuildSeconds:0} s, {new FileInfo(deb.Path).Length / 1e6:0} MB");
        var entries = Listing(deb.Path).Select(line => ListingLine().Match(line)).Where(m => m.Success)
            .ToDictionary(m => m.Groups["path"].Value.TrimEnd('/'), m => (Mode: m.Groups["mode"].Value, Owner: m.Groups["owner"].Value, Size: long.Parse(m.Groups["size"].Value), Target: m.Groups["target"].Value));

        Assert.StartsWith("-rwxr-xr-x", entries["./usr/lib/tomocrop/tomocrop"].Mode);
        foreach (var file in new[]
        {
            "./usr/lib/tomocrop/tomocrop.dll", "./usr/lib/tomocrop/libcoreclr.so", "./usr/lib/tomocrop/libLibTorchSharp.so",
            "./usr/lib/tomocrop/libtorch_cpu.so", "./usr/lib/tomocrop/libSkiaSharp.so",
            "./usr/lib/tomocrop/models/rotation-default.json", "./usr/lib/tomocrop/models/rotation-default.weights",
            "./usr/lib/tomocrop/models/sorting-default.json", "./usr/lib/tomocrop/models/sorting-default.weights",
            "./etc/tomocrop/appsettings.json", "./lib/systemd/system/tomocrop.service",
            "./usr/share/doc/tomocrop/examples/roots.conf.example", "./usr/share/doc/tomocrop/examples/gpu.conf.example",
        })
        {
            Assert.True(entries.TryGetValue(file, out var entry) && entry.Mode.StartsWith('-') && entry.Size > 0, $"{file} missing or empty");
        }
        foreach (var directory in new[] { "./var/lib/tomocrop", "./var/lib/tomocrop/models", "./var/log/tomocrop" })
        {
            Assert.StartsWith("d", entries[directory].Mode);
        }
        Assert.Equal("../lib/tomocrop/tomocrop", entries["./usr/bin/tomocrop"].Target);
        Assert.All(entries, e => Assert.Equal("root/root", e.Value.Owner));
        Assert.DoesNotContain(entries.Keys, path => path.EndsWith(".pdb", StringComparison.Ordinal));

        // Shipped byte for byte from the repository.
        Assert.Equal(File.ReadAllText(Repository.PathOf("appsettings.json")), deb.ReadFile(Conffile));
        Assert.Equal(File.ReadAllText(Repository.PathOf("systemd", "tomocrop.service")), deb.ReadFile("/lib/systemd/system/tomocrop.service"));

        var info = ExternalTool.RunChecked("dpkg-deb", "-I", deb.Path);
        string Field(string name) => Regex.Match(info, $@"(?m)^ {name}: (.*)$").Groups[1].Value.Trim();
        Assert.Equal("tomocrop", Field("Package"));
        Assert.Equal(DebPackage.Version, Field("Version"));
        Assert.Equal("amd64", Field("Architecture"));
        Assert.All(new[] { "libc6", "libstdc++6", "libgcc-s1", "adduser" }, p => Assert.Contains(p, Field("Depends")));
        var installedKiB = long.Parse(Field("Installed-Size"));
        var payloadKiB = entries.Values.Sum(e => e.Size) / 1024;
        Assert.InRange(installedKiB, payloadKiB, payloadKiB * 11 / 10);
        var conffiles = ExternalTool.RunChecked("/bin/sh", "-c", "dpkg-deb --ctrl-tarfile \"$1\" | tar -xOf - ./conffiles", "sh", deb.Path);
        Assert.Equal([Conffile], conffiles.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Dpkg_installs_it_the_installed_tomocrop_runs_with_its_model_and_removal_keeps_user_data()
    {
        Assert.True(Environment.UserName == "root", "dpkg -i needs root (as in CI); run the packaging tests as root");
        var before = ExternalTool.Run("dpkg-query", ["-W", "-f=${Status}", "tomocrop"]);
        Assert.False(before.ExitCode == 0 && before.StdOut.Contains("installed", StringComparison.Ordinal),
            $"a tomocrop package is already installed here ({before.StdOut}); this test installs and purges its own");
        var marker = $"test-{Guid.NewGuid():N}";
        try
        {
            Install();
            RunInstalled();
            var keptData = Path.Combine(StateDirectory, "journal", marker + ".json");
            var emptyLeftover = Path.Combine(StateDirectory, "cache-" + marker);
            Directory.CreateDirectory(Path.GetDirectoryName(keptData)!);
            File.WriteAllText(keptData, "{\"state\":\"published\"}");
            Directory.CreateDirectory(emptyLeftover);
            File.WriteAllText(Path.Combine(LogDirectory, marker + ".log"), "log line\n");
            File.AppendAllText(Conffile, "\n");

            Dpkg("-r", "tomocrop");
            Assert.False(File.Exists("/usr/lib/tomocrop/tomocrop"));
            Assert.False(File.Exists("/usr/bin/tomocrop") || Directory.Exists("/usr/lib/tomocrop"));
            Assert.EndsWith("\n\n", File.ReadAllText(Conffile)); // remove keeps the (edited) configuration
            Assert.True(File.Exists(keptData));
            Assert.True(File.Exists(Path.Combine(LogDirectory, marker + ".log")));
            Assert.Contains("config-files", ExternalTool.RunChecked("dpkg-query", "-W", "-f=${Status}", "tomocrop"));

            var purge = Dpkg("--purge", "tomocrop");
            Assert.False(File.Exists(Conffile));
            Assert.False(Directory.Exists(LogDirectory)); // logs go on purge
            Assert.Equal("{\"state\":\"published\"}", File.ReadAllText(keptData)); // the operator's data never
            Assert.False(Directory.Exists(emptyLeftover)); // empty directories are tidied away
            Assert.Contains("kept /var/lib/tomocrop", purge);
            var after = ExternalTool.Run("dpkg-query", ["-W", "-f=${Status}", "tomocrop"]);
            Assert.True(after.ExitCode != 0 || after.StdOut.Contains("not-installed", StringComparison.Ordinal), after.StdOut);
        }
        finally
        {
            if (ExternalTool.Run("dpkg-query", ["-W", "-f=${Status}", "tomocrop"]).StdOut.Contains("install"))
            {
                ExternalTool.Run("dpkg", ["--purge", "tomocrop"]);
            }
            File.Delete(Path.Combine(StateDirectory, "journal", marker + ".json"));
            foreach (var directory in new[] { Path.Combine(StateDirectory, "journal"), StateDirectory })
            {
                if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
                {
                    Directory.Delete(directory);
                }
            }
        }
    }

    private void Install()
    {
        Dpkg("-i", deb.Path);
        Assert.Equal("/usr/lib/tomocrop/tomocrop", ExternalTool.RunChecked("readlink", "-f", "/usr/bin/tomocrop").Trim());
        var user = ExternalTool.RunChecked("getent", "passwd", "tomocrop").Trim().Split(':');
        Assert.Equal(StateDirectory, user[5]);
        Assert.Equal("/usr/sbin/nologin", user[6]);
        Assert.True(int.Parse(user[2]) < 1000, $"uid {user[2]} is not a system uid");
        foreach (var directory in new[] { StateDirectory, LogDirectory })
        {
            Assert.Equal("tomocrop:tomocrop 750", ExternalTool.RunChecked("stat", "-c", "%U:%G %a", directory).Trim());
        }
        // The installed unit with its real ExecStart, as systemd would load it.
        var verify = ExternalTool.Run("systemd-analyze", ["verify", "/lib/systemd/system/tomocrop.service"]);
        Assert.True(verify.ExitCode == 0 && (verify.StdErr + verify.StdOut).Trim().Length == 0, verify.StdErr + verify.StdOut);
    }

    /// <summary>
    /// The installed program, from another directory and without $TOMOCROP_MODEL: --version, then a phantom
    /// localized with the shipped model (found beside the executable through the /usr/bin symlink; libtorch loads).
    /// </summary>
    private void RunInstalled()
    {
        using var work = new TempDirectory();
        var environment = new Dictionary<string, string?> { ["TOMOCROP_MODEL"] = null };
        var version = ExternalTool.Run("/usr/bin/tomocrop", ["--version"], workingDirectory: work.Path, environment: environment);
        Assert.True(version.ExitCode == 0, version.StdErr);
        Assert.StartsWith(DebPackage.Version, version.StdOut.Trim());

        var phantom = ExternalTool.Run("/usr/bin/tomocrop", ["phantom", "scan.h5", "--shape", "64"], workingDirectory: work.Path, environment: environment);
        Assert.True(phantom.ExitCode == 0, phantom.StdErr);
        var localize = ExternalTool.Run("/usr/bin/tomocrop", ["localize", "scan.h5", "--json", "--no-baseline"], workingDirectory: work.Path, environment: environment);
        Assert.True(localize.ExitCode == 0, localize.StdErr);
        var model = JsonNode.Parse(File.ReadAllText("/usr/lib/tomocrop/models/rotation-default.json"))!["weights_sha256"]!.GetValue<string>();
        Assert.Equal(model, JsonNode.Parse(localize.StdOut)!["model"]!.GetValue<string>());
    }

    private string Dpkg(params string[] arguments)
    {
        var result = ExternalTool.Run("dpkg", arguments, timeoutSeconds: 300);
        output.WriteLine($"dpkg {string.Join(' ', arguments)}: exit {result.ExitCode}\n{result.StdOut}{result.StdErr}");
        Assert.True(result.ExitCode == 0, $"dpkg {string.Join(' ', arguments)} failed:\n{result.StdErr}{result.StdOut}");
        return result.StdOut + result.StdErr;
    }

    // -rwxr-xr-x root/root   12345 2026-11-28 04:37 ./usr/lib/tomocrop/tomocrop   (symlinks: "./a -> b")
    [GeneratedRegex(@"^(?<mode>\S+) (?<owner>\S+)\s+(?<size>\d+) \S+ \S+ (?<path>.+?)(?: -> (?<target>.+))?$")]
    private static partial Regex ListingLine();
}
