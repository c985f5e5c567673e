using System.Text.Json.Nodes;
using TomoCrop.TestSupport;

namespace TomoCrop.Cli.Tests;

/// <summary>The verb's contract; full cycles through the same code are exercised in TomoCrop.Daemon.Tests.</summary>
public sealed class FinetuneCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-finetune-cli");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void An_empty_pool_is_a_skipped_cycle_printed_as_one_JSON_object_and_the_registry_is_seeded()
    {
        var state = Directory.CreateDirectory(_dir.File("state")).FullName;
        var result = TomocropProcess.Run("finetune", "--state", state, "--json");
        Assert.Equal(0, result.ExitCode);
        var outcome = JsonNode.Parse(result.StdOut.Trim())!.AsObject();
        Assert.Equal("skipped", (string?)outcome["status"]);
        Assert.Equal("v0001", (string?)outcome["current_version"]);
        Assert.Contains("held-out", (string?)outcome["reasons"]![0]);
        Assert.True(File.Exists(Path.Combine(state, "models", "current.json")));
    }

    [Fact]
    public void A_bad_setting_or_a_missing_state_directory_is_one_line_naming_it()
    {
        var state = Directory.CreateDirectory(_dir.File("state")).FullName;
        var bad = TomocropProcess.Run("finetune", "--state", state, "--set", "FineTuning:Schedule=every tuesday");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("FineTuning:Schedule", bad.StdErr);
        Assert.Single(bad.StdErr.Trim().Split('\n'));

        var missing = TomocropProcess.Run("finetune", "--state", _dir.File("nope"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains(_dir.File("nope"), missing.StdErr);
    }
}
