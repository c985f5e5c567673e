using TomoCrop.Phantoms;
using TomoCrop.TestSupport;

namespace TomoCrop.Cli.Tests;

public sealed class PhantomCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Suite_writes_every_scan_kind_with_a_manifest_and_unknown_suites_fail()
    {
        var set = _dir.File("suite");
        var result = TomocropProcess.Run("phantom", set, "--suite", "varied", "--shape", "32", "--artefacts", "approximate", "--format", "raw", "--seed", "5");
        Assert.True(result.ExitCode == 0, result.StdErr);
        var manifest = PhantomManifest.Load(Path.Combine(set, PhantomManifest.DefaultFileName));
        Assert.Equal(PhantomSuite.Varied(32, 5).Count, manifest.Cases.Count);
        Assert.Contains(manifest.Cases, c => c.Dtype == "uint16");
        Assert.Contains(manifest.Cases, c => c.Variant == "touching-wall" && c.BoxZyx is not null);
        Assert.Contains(manifest.Cases, c => c.Variant == "holder-only" && c.BoxZyx is null);
        Assert.Contains(manifest.Cases, c => c.Shape[0] != c.Shape[1]);
        Assert.All(manifest.Cases, c => Assert.Equal("approximate", c.Artefacts));

        var wrong = TomocropProcess.Run("phantom", _dir.File("other"), "--suite", "nope");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("--suite", wrong.StdErr);
    }
}
