using System.Diagnostics;
using TomoCrop.TestSupport;

namespace TomoCrop.Packaging.Tests;

/// <summary>
/// Builds the .deb once for a test class with packaging/build-deb.sh (a real self-contained publish); zstd level 1
/// instead of the release's xz keeps it to seconds and leaves the contents the same.
/// </summary>
public sealed class DebPackage : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-deb-test-");

    public DebPackage()
    {
        var clock = Stopwatch.StartNew();
        var result = ExternalTool.Run(Repository.PathOf("packaging", "build-deb.sh"), [_dir.Path], timeoutSeconds: 600,
            environment: new Dictionary<string, string?> { ["TOMOCROP_DEB_COMPRESSION"] = "zstd", ["TOMOCROP_DEB_LEVEL"] = "1" });
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"build-deb.sh failed ({result.ExitCode}):\n{result.StdErr}\n{result.StdOut}");
        }
        Path = result.StdOut.Trim().Split('\n')[^1];
        BuildSeconds = clock.Elapsed.TotalSeconds;
    }

    public string Path { get; }

    public double BuildSeconds { get; }

    /// <summary>The version the package must carry: Directory.Build.props's.</summary>
    public static string Version =>
        System.Xml.Linq.XDocument.Load(Repository.PathOf("Directory.Build.props")).Descendants("Version").First().Value;

    /// <summary>One file of the package's data, read without unpacking the rest to disk.</summary>
    public string ReadFile(string path) =>
        ExternalTool.RunChecked("/bin/sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xOf - \"$2\"", "sh", Path, "./" + path.TrimStart('/'));

    public void Dispose() => _dir.Dispose();
}
