using TomoCrop.TestSupport;

namespace TomoCrop.Cli.Tests;

public sealed class LauncherTests
{
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TomoCropDaemon.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("repository root not found above the test binaries");
    }

    [Fact]
    public void Launcher_builds_at_most_once_and_then_runs_without_rebuilding()
    {
        var launcher = Path.Combine(RepositoryRoot(), "tomocrop");
        var first = ExternalTool.Run(launcher, ["--version"], timeoutSeconds: 900);
        Assert.True(first.ExitCode == 0, first.StdErr);

        var second = ExternalTool.Run(launcher, ["--version"]);

        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotContain("building", second.StdErr);
        Assert.StartsWith("0.", second.StdOut.Trim());
    }
}
