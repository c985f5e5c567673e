using System.Diagnostics;
using TomoCrop.TestSupport;

namespace TomoCrop.Cli.Tests;

public sealed class CropCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string MakeRaw(string name, int z, int y, int x, string dtype = "float32")
    {
        var path = _dir.File(name);
        ExternalTool.RunPython("""
            import json, sys, numpy as np
            z, y, x = map(int, sys.argv[2:5])
            rng = np.random.default_rng(7)
            a = rng.random((z, y, x)).astype(sys.argv[5]) if sys.argv[5].startswith('float') else rng.integers(0, 60000, (z, y, x)).astype(sys.argv[5])
            a.tofile(sys.argv[1])
            json.dump({'shape': [z, y, x], 'dtype': sys.argv[5], 'byte_order': 'little'}, open(sys.argv[1] + '.json', 'w'))
            """, path, z.ToString(), y.ToString(), x.ToString(), dtype);
        return path;
    }

    private string[] Temporaries() =>
        Directory.GetFiles(_dir.Path).Where(f => Path.GetFileName(f).Contains(".tomocrop-tmp-", StringComparison.Ordinal)).ToArray();

    private string[] Entries() => Directory.GetFileSystemEntries(_dir.Path).Select(p => Path.GetFileName(p)!).Order().ToArray();

    [Fact]
    public void Crop_prints_a_summary_and_publishes_output_with_record()
    {
        var source = MakeRaw("scan.raw", 10, 20, 30);
        var result = TomocropProcess.Run("crop", source, "--box", "1:9,2:18,:", "-o", _dir.File("crop.raw"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("verified", result.StdOut);
        Assert.Equal(["crop.raw", "crop.raw.crop.json", "crop.raw.json", "scan.raw", "scan.raw.json"], Entries());
    }

    [Theory]
    [InlineData("truncated", "truncated")]
    [InlineData("sidecar-shape", "larger than declared")]
    [InlineData("dtype", "not supported")]
    [InlineData("box", "outside the volume")]
    [InlineData("output-is-input", "input itself")]
    [InlineData("hostile-dimensions", "exceeds")]
    public void Bad_input_gives_one_line_naming_the_file_exit_2_and_leaves_everything_as_it_was(string problem, string expected)
    {
        var source = MakeRaw("scan.raw", 6, 8, 10);
        var output = _dir.File("crop.raw");
        var box = "0:6,0:8,0:10";
        switch (problem)
        {
            case "truncated":
                using (var stream = new FileStream(source, FileMode.Open))
                {
                    stream.SetLength(stream.Length - 7);
                }
                break;
            case "sidecar-shape":
                File.WriteAllText(source + ".json", """{"shape": [5, 8, 10], "dtype": "float32", "byte_order": "little"}""");
                break;
            case "dtype":
                File.WriteAllText(source + ".json", """{"shape": [6, 8, 10], "dtype": "complex64"}""");
                break;
            case "box":
                box = "0:7,0:8,0:10";
                break;
            case "output-is-input":
                output = source;
                break;
            case "hostile-dimensions":
                File.WriteAllText(source + ".json", """{"shape": [1099511627, 2000000, 2000000], "dtype": "float64"}""");
                break;
        }
        var before = Entries().ToDictionary(n => n, n => TestVolumes.Hash(File.ReadAllBytes(_dir.File(n))));

        var result = TomocropProcess.Run("crop", source, "--box", box, "-o", output);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("scan.raw", line);
        Assert.Contains(expected, line);
        var after = Entries().ToDictionary(n => n, n => TestVolumes.Hash(File.ReadAllBytes(_dir.File(n))));
        Assert.Equal(before, after);
    }

    [Fact]
    public void Crop_killed_with_SIGKILL_leaves_nothing_under_a_final_name_and_the_next_run_cleans_up()
    {
        // 256 MiB so the copy takes long enough to be caught in the middle.
        var source = MakeRaw("big.raw", 256, 512, 512);
        var output = _dir.File("crop.raw");
        var sourceHash = TestVolumes.Hash(File.ReadAllBytes(source));

        using (var process = TomocropProcess.Start("crop", source, "--box", "0:256,1:511,1:511", "-o", output, "--buffer-mib", "8"))
        {
            var clock = Stopwatch.StartNew();
            while (!Temporaries().Any(f => new FileInfo(f).Length > 0))
            {
                if (process.HasExited)
                {
                    Assert.Fail($"crop finished before it could be killed: exit {process.ExitCode} {process.StandardError.ReadToEnd()}");
                }
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no temporary output appeared");
                Thread.Sleep(1);
            }
            process.Kill(); // SIGKILL
            process.WaitForExit();
        }

        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".crop.json"));
        Assert.False(File.Exists(output + ".json"));
        Assert.NotEmpty(Temporaries());

        var rerun = TomocropProcess.Run("crop", source, "--box", "0:256,1:511,1:511", "-o", output);
        Assert.Equal(0, rerun.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path, ".*"));
        Assert.True(File.Exists(output + ".crop.json"));
        Assert.Equal(sourceHash, TestVolumes.Hash(File.ReadAllBytes(source)));
    }
}
