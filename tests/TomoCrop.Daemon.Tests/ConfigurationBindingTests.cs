using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TomoCrop.Daemon.Hosting;
using TomoCrop.Daemon.Options;
using TomoCrop.TestSupport;

namespace TomoCrop.Daemon.Tests;

public sealed class ConfigurationBindingTests
{
    [Fact]
    public void Configured_globs_replace_the_defaults_and_unnamed_roots_are_named_after_their_directory()
    {
        using var dir = new TempDirectory();
        var configuration = DaemonHost.BuildConfiguration(new DaemonCommandLine
        {
            ConfigFile = WriteConfig(dir, """{ "Watch": { "Roots": [ { "Path": "/data/recon", "Output": "/data/cropped", "Include": [ "**/*.h5" ] } ] } }"""),
            Overrides = new Dictionary<string, string?> { ["Localizer:MarginVoxels"] = "11" },
        });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTomoCropDaemon(configuration);
        using var provider = services.BuildServiceProvider();
        var watch = provider.GetRequiredService<IOptions<WatchOptions>>().Value;
        var root = Assert.Single(watch.Roots);
        Assert.Equal(["**/*.h5"], root.Include);
        Assert.Equal("recon", root.Name);
        Assert.Equal(11, provider.GetRequiredService<IOptions<LocalizerOptions>>().Value.MarginVoxels);
    }

    private static string WriteConfig(TempDirectory dir, string json)
    {
        var path = dir.File("site.json");
        File.WriteAllText(path, json);
        return path;
    }
}
