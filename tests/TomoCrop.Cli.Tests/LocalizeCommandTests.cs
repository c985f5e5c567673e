using System.Text.Json.Nodes;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Cli.Tests;

public sealed class LocalizeCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes a phantom with the real CLI and returns its true box, parsed from the verb's output.</summary>
    private VoxelBox Phantom(string path, string shape, string seed)
    {
        var result = TomocropProcess.Run("phantom", path, "--shape", shape, "--seed", seed);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var truth = result.StdOut.Split('\n').Single(l => l.StartsWith("truth", StringComparison.Ordinal));
        var ranges = truth[(truth.IndexOf('[') + 1)..].Replace("]", "").Split('[', StringSplitOptions.TrimEntries);
        return VoxelBox.Parse(string.Join(',', ranges), new VolumeShape(int.MaxValue, int.MaxValue, int.MaxValue));
    }

    [Fact]
    public void Localize_json_is_exactly_one_object_with_the_contract_keys_and_writes_a_preview()
    {
        var scan = _dir.File("scan.h5");
        var truth = Phantom(scan, "64,80,72", "11");
        var preview = _dir.File("scan.png");

        var result = TomocropProcess.Run("localize", scan, "--method", "classical", "--json", "--preview", preview);

        Assert.Equal(0, result.ExitCode);
        var json = Assert.IsType<JsonObject>(JsonNode.Parse(result.StdOut));
        Assert.Equal([64, 80, 72], json["shape"]!.AsArray().Select(n => n!.GetValue<int>()));
        var box = VoxelBox.FromJsonArray(json["box_zyx"]!.AsArray().Select(r => r!.AsArray().Select(n => n!.GetValue<int>()).ToArray()).ToArray());
        Assert.True(box.FitsIn(new VolumeShape(64, 80, 72)));
        Assert.True(box.Contains(truth), $"{box} does not contain {truth}");
        Assert.Equal(3, json["confidence"]!.AsArray().Count);
        Assert.Equal("classical", json["method"]!.GetValue<string>());
        Assert.Null(json["model"]);
        Assert.True(json["seconds"]!.GetValue<double>() > 0);
        var png = ReferenceReader.Run("""
            from PIL import Image
            im = Image.open(sys.argv[1]); print(im.format, im.size[0] > 600, len(set(im.convert('L').getdata())) > 50)
            """, preview);
        Assert.Equal("PNG True True", png.Trim());
    }

    [Fact]
    public void Crop_without_a_box_localizes_with_the_shipped_model_and_keeps_the_specimen()
    {
        var scan = _dir.File("scan.h5");
        var truth = Phantom(scan, "96", "5");
        var output = _dir.File("crop.h5");

        var result = TomocropProcess.Run("crop", scan, "-o", output, "--json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        var record = JsonNode.Parse(result.StdOut)!;
        var box = VoxelBox.FromJsonArray(record["box_zyx"]!.AsArray().Select(r => r!.AsArray().Select(n => n!.GetValue<int>()).ToArray()).ToArray());
        Assert.True(box.Contains(truth), $"{box} does not contain the specimen {truth}");
        Assert.Equal("rotation", record["localization"]!["method"]!.GetValue<string>());
        Assert.Equal(64, record["localization"]!["model"]!.GetValue<string>().Length);
        Assert.True(ReferenceReader.CropMatches(scan, "hdf5", output, "hdf5", box.ToJsonArray()));
    }
}
