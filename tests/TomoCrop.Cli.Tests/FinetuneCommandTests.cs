using System.Text.Json.Nodes;
using TomoCrop.TestSupport;

namespace TomoCrop.Cli.Tests;

/// <summary>The verb's contract; full cycles through the same code are exercised in TomoCrop.Daemon.Tests.</summary>
public sealed class FinetuneCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-finetune-cli");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_empty_pool_is_a_skipped_cycle_for_each_pretext_printed_as_one_JSON_array_and_both_registries_are_seeded()
    {
        var state = Directory.CreateDirectory(_dir.File("state")).FullName;
        var result = TomocropProcess.Run("finetune", "--state", state, "--json");
        Assert.Equal(0, result.ExitCode);
        var outcomes = JsonNode.Parse(result.StdOut.Trim())!.AsArray();
        Assert.Equal(["rotation", "sorting"], outcomes.Select(o => (string?)o!["pretext"]));
        foreach (var outcome in outcomes)
        {
            Assert.Equal("skipped", (string?)outcome!["status"]);
            Assert.Equal("v0001", (string?)outcome["current_version"]);
            Assert.Contains("held-out", (string?)outcome["reasons"]![0]);
        }
        Assert.True(File.Exists(Path.Combine(state, "models", "current.json")));
        Assert.True(File.Exists(Path.Combine(state, "models-sorting", "current.json")));

        // One pretext on request; the text form names it.
        var sortingOnly = TomocropProcess.Run("finetune", "--state", state, "--set", "FineTuning:Pretexts:0=Sorting");
        Assert.Equal(0, sortingOnly.ExitCode);
        Assert.StartsWith("sorting: skipped: current v0001", sortingOnly.StdOut.Trim());
        Assert.DoesNotContain("rotation", sortingOnly.StdOut);

        // The registry's listing of the sorting model parses as one JSON object and names the shipped sorting model.
        var list = TomocropProcess.Run("models", "list", "--pretext", "sorting", "--state", state, "--json");
        Assert.Equal(0, list.ExitCode);
        var registry = JsonNode.Parse(list.StdOut.Trim())!.AsObject();
        Assert.Equal("sorting", (string?)registry["pretext"]);
        Assert.Equal("v0001", (string?)registry["current"]);
        var shipped = Assert.Single(registry["versions"]!.AsArray())!;
        Assert.Equal("shipped", (string?)shipped["source"]);
        Assert.Equal(TomoCrop.Models.Checkpoint.ReadMetadata(TomoCrop.Models.ModelCatalog.DefaultSortingModelPath).WeightsSha256, (string?)shipped["weights_sha256"]);
    }

    [Fact]
    public void A_bad_setting_or_a_missing_state_directory_is_one_line_naming_it()
    {
        var state = Directory.CreateDirectory(_dir.File("state")).FullName;
        var bad = TomocropProcess.Run("finetune", "--state", state, "--set", "FineTuning:Schedule=every tuesday");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("FineTuning:Schedule", bad.StdErr);
        Assert.Single(bad.StdErr.Trim().Split('\n'));

        var pretext = TomocropProcess.Run("finetune", "--state", state, "--set", "FineTuning:Pretexts:0=jigsaw");
        Assert.Equal(2, pretext.ExitCode);
        Assert.Contains("FineTuning:Pretexts:0: 'jigsaw' is not a pretext", pretext.StdErr);
        Assert.Single(pretext.StdErr.Trim().Split('\n'));

        var missing = TomocropProcess.Run("finetune", "--state", _dir.File("nope"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains(_dir.File("nope"), missing.StdErr);
    }
}
