using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using TomoCrop.Cropping.Provenance;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Tests;

/// <summary>The real daemon process on real directories: settle, crop, verify, publish, log; crash and resume.</summary>
public sealed class DaemonEndToEndTests
{
    private static readonly VolumeShape Shape = Specimens.SmallShape;
    private static readonly VoxelBox Specimen = Specimens.SmallBox;

    [Fact]
    public async Task Volumes_written_slowly_are_left_alone_until_complete_then_cropped_verified_published_and_logged()
    {
        using var run = new DaemonRun();
        run.Start(quietSeconds: 2);
        var stack = Path.Combine(run.Watch, "stackA");
        var hdf5 = Path.Combine(run.Watch, "scan.h5");
        Directory.CreateDirectory(stack);

        // An HDF5 file written slab by slab by h5py (another process, as a reconstruction writes it) ...
        var h5Writer = Task.Run(() => ExternalTool.RunPython($$"""
            import sys, time, numpy as np, h5py
            z, y, x = {{Shape.Z}}, {{Shape.Y}}, {{Shape.X}}
            with h5py.File(sys.argv[1], "w") as f:
                d = f.create_dataset("/exchange/data", (z, y, x), dtype="float32", chunks=(4, y, x))
                rng = np.random.default_rng(3)
                for z0 in range(0, z, 4):
                    slab = (0.02 * rng.random((4, y, x))).astype("float32")
                    if 12 <= z0 < 36:
                        slab[:, 20:44, 16:40] = 1.0 + 0.1 * rng.random((4, 24, 24))
                    d[z0:z0 + 4] = slab
                    f.flush()
                    time.sleep(0.5)
            """, hdf5));
        // ... while a TIFF stack grows slice by slice.
        for (var z = 0; z < Shape.Z; z++)
        {
            var slice = Path.Combine(stack, $"recon_{z:D5}.tif");
            using (var writer = VolumeIO.Create(slice, new VolumeShape(1, Shape.Y, Shape.X), VoxelType.Float32, new VolumeWriteOptions { Format = VolumeFormat.MultiPageTiff }))
            {
                writer.WriteSlices(MemoryMarshal.AsBytes(Specimens.Slice(Shape, Specimen, z).AsSpan()), 1);
                writer.Complete();
            }
            Thread.Sleep(150);
            Assert.Empty(Directory.EnumerateFileSystemEntries(run.Output));
            Assert.Empty(run.Journal());
        }
        await h5Writer;
        var stackBefore = Specimens.Fingerprint(stack);
        var hdf5Before = Specimens.Fingerprint(hdf5);

        var stackOut = Path.Combine(run.Output, "stackA");
        var hdf5Out = Path.Combine(run.Output, "scan.h5");
        // The preview follows publication (off the critical path).
        run.WaitUntil(
            () => run.Stage(stack) == "published" && run.Stage(hdf5) == "published" && File.Exists(stackOut + ".preview.png") && File.Exists(hdf5Out + ".preview.png"),
            "both volumes published with their previews");

        foreach (var (source, output, format) in new[] { (stack, stackOut, "tiff-stack"), (hdf5, hdf5Out, "hdf5") })
        {
            var record = CropRecord.Load(CropRecord.PathFor(output));
            Assert.True(record.Verified);
            Assert.Equal(record.SourceHash, record.OutputHash);
            Assert.True(record.Box.Contains(Specimen), $"{source}: box {record.Box} cuts the specimen {Specimen}");
            Assert.True(record.Box.VoxelCount < Shape.VoxelCount / 2, $"{source}: box {record.Box} is hardly a crop");
            Assert.Equal("same", ReferenceReader.CompareCrop(source, format, output, format, record.BoxZyx));
            var png = File.ReadAllBytes(output + ".preview.png");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        }
        Assert.Equal(stackBefore, Specimens.Fingerprint(stack));
        Assert.Equal(hdf5Before, Specimens.Fingerprint(hdf5));
        Assert.Empty(run.Temporaries());

        var savings = SavingsLines(run);
        Assert.Equal(2, savings.Count);
        foreach (var line in savings)
        {
            Assert.True((double)line["saved_percent"]! > 40, line.ToJsonString());
            Assert.Equal("classical", (string?)line["method"]);
        }
        Assert.Equal(0, run.Terminate());
    }

    [Fact]
    public void A_file_that_keeps_changing_is_never_processed()
    {
        using var run = new DaemonRun();
        var volume = Path.Combine(run.Watch, "busy.h5");
        Specimens.Write(volume, VolumeFormat.Hdf5, Shape, Specimen);
        var original = File.ReadAllBytes(volume);
        run.Start(quietSeconds: 1.5);
        var until = DateTime.UtcNow.AddSeconds(8);
        while (DateTime.UtcNow < until)
        {
            // Rewrite the same bytes: the content stays valid, the mtime keeps moving (a writer still at work).
            using (var stream = new FileStream(volume, FileMode.Open, FileAccess.Write))
            {
                stream.Position = original.Length - 4096;
                stream.Write(original.AsSpan(original.Length - 4096));
            }
            File.SetLastWriteTimeUtc(volume, DateTime.UtcNow);
            Thread.Sleep(400);
            Assert.Null(run.Stage(volume));
            Assert.Empty(Directory.EnumerateFileSystemEntries(run.Output));
        }
        // Once it stops changing, it is processed: the rule waits, it does not ignore.
        run.WaitUntil(() => run.Stage(volume) == "published", "the settled file published");
        Assert.Equal(0, run.Terminate());
    }

    [Fact]
    public void After_SIGKILL_during_a_crop_a_restart_publishes_exactly_one_verified_copy_and_leaves_no_temporaries()
    {
        using var run = new DaemonRun();
        // Large enough, with small buffers, verification from storage and paced reads, that the crop takes a while to kill into.
        var shape = new VolumeShape(160, 256, 256);
        var specimen = new VoxelBox(new(30, 130), new(60, 200), new(50, 210));
        var first = Path.Combine(run.Watch, "big.h5");
        var second = Path.Combine(run.Watch, "after.tif");
        Specimens.Write(first, VolumeFormat.Hdf5, shape, specimen);
        Specimens.Write(second, VolumeFormat.MultiPageTiff, Shape, Specimen);
        var before = Specimens.Fingerprint(first);
        // Paced reads keep the crop under way long enough to be killed in the middle of it on any machine.
        string[] slow = ["Io:MaxBufferMiB=8", "Io:MaxReadMiBPerSecond=8", "Output:VerifyFromStorage=true", "Output:Preview=false"];

        run.Start(1, null, slow);
        run.WaitUntil(() => run.Stage(first) is "cropping" or "cropped", "the crop under way", timeoutSeconds: 120);
        run.Kill();
        Assert.NotEqual("published", run.Stage(first));

        run.Start(1, null, slow);
        run.WaitUntil(() => run.Stage(first) == "published" && run.Stage(second) == "published", "both published after the restart", timeoutSeconds: 120);
        Assert.Equal(0, run.Terminate());

        var output = Path.Combine(run.Output, "big.h5");
        var record = CropRecord.Load(CropRecord.PathFor(output));
        Assert.True(record.Verified);
        Assert.True(record.Box.Contains(specimen));
        Assert.True(ReferenceReader.CropMatches(first, "hdf5", output, "hdf5", record.BoxZyx));
        Assert.Equal(before, Specimens.Fingerprint(first));
        Assert.Empty(run.Temporaries());
        Assert.Equal(
            ["after.tif", "after.tif.crop.json", "big.h5", "big.h5.crop.json"],
            Directory.EnumerateFileSystemEntries(run.Output).Select(p => Path.GetFileName(p)).Order().ToArray());
        // One savings record per volume, not one per attempt.
        Assert.Equal(2, SavingsLines(run).Count);
    }

    [Fact]
    public void SIGTERM_during_a_crop_abandons_it_cleanly_within_the_stop_timeout_and_the_next_start_finishes_it()
    {
        using var run = new DaemonRun();
        // Reads paced at 2 MiB/s: copying and verifying the ~8 MB box take several seconds each on any machine,
        // far beyond the 1 s stop timeout.
        var shape = new VolumeShape(128, 256, 256);
        var volume = Path.Combine(run.Watch, "long.h5");
        Specimens.Write(volume, VolumeFormat.Hdf5, shape, new VoxelBox(new(24, 104), new(48, 208), new(48, 208)));
        string[] slow = ["Io:MaxBufferMiB=8", "Io:MaxReadMiBPerSecond=2", "Output:VerifyFromStorage=true", "Output:Preview=false", "Processing:StopTimeoutSeconds=1"];

        run.Start(1, null, slow);
        run.WaitUntil(() => run.Stage(volume) == "cropping", "the crop under way", timeoutSeconds: 120);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(0, run.Terminate());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"stopping took {clock.Elapsed}");
        Assert.Equal("abandoned", run.Stage(volume));
        Assert.Empty(run.Temporaries());
        Assert.Empty(Directory.EnumerateFileSystemEntries(run.Output));

        run.Start(1, null, slow);
        run.WaitUntil(() => run.Stage(volume) == "published", "published after the restart", timeoutSeconds: 120);
        Assert.Equal(0, run.Terminate());
        Assert.True(CropRecord.Load(CropRecord.PathFor(Path.Combine(run.Output, "long.h5"))).Verified);
        Assert.Empty(run.Temporaries());
    }

    [Fact]
    public void A_root_whose_filesystem_is_gone_is_paused_and_resumed_while_the_daemon_keeps_running()
    {
        using var run = new DaemonRun();
        run.Start(1, null, "Processing:CircuitBreakSeconds=1");
        run.WaitUntil(() => run.Log().Contains("start-up checks passed"), "start-up");
        var away = run.Watch + ".unmounted";
        Directory.Move(run.Watch, away);
        run.WaitUntil(() => run.Log().Contains("paused"), "the root paused");
        Assert.False(run.HasExited);

        Directory.Move(away, run.Watch);
        var volume = Path.Combine(run.Watch, "back.tif");
        Specimens.Write(volume, VolumeFormat.MultiPageTiff, Shape, Specimen);
        run.WaitUntil(() => run.Stage(volume) == "published", "a volume published after the root came back");
        Assert.Contains("reachable again", run.Log());
        Assert.Equal(0, run.Terminate());
    }

    [Fact]
    public void A_corrupt_volume_is_quarantined_with_its_reason_and_the_next_one_is_still_processed()
    {
        using var run = new DaemonRun();
        var corrupt = Path.Combine(run.Watch, "broken.h5");
        var bytes = new byte[200_000];
        new Random(5).NextBytes(bytes);
        new byte[] { 0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a }.CopyTo(bytes, 0);
        File.WriteAllBytes(corrupt, bytes);
        var good = Path.Combine(run.Watch, "good.tif");
        Specimens.Write(good, VolumeFormat.MultiPageTiff, Shape, Specimen);

        run.Start(1, null, "Completion:ProbeGiveUpSeconds=2");
        run.WaitUntil(() => run.Stage(corrupt) == "quarantined" && run.Stage(good) == "published", "quarantine and publication");
        var entry = run.Journal()[corrupt];
        Assert.Contains("broken.h5", (string?)entry["reason"]);
        var note = Assert.Single(Directory.GetFiles(Path.Combine(run.State, "quarantine")));
        Assert.Contains("broken.h5", File.ReadAllText(note));
        Assert.Equal(bytes, File.ReadAllBytes(corrupt));
        Assert.False(run.HasExited);
        Assert.Contains("quarantined", run.Log());
        Assert.Equal(0, run.Terminate());
    }

    [Fact]
    public void Originals_are_deleted_only_when_asked_after_a_verified_crop_and_a_dry_run_deletes_nothing()
    {
        using var run = new DaemonRun();
        var kept = Path.Combine(run.Watch, "kept.h5");
        Specimens.Write(kept, VolumeFormat.Hdf5, Shape, Specimen);
        run.Start(1, null, "Originals:DeleteAfterVerify=true", "Originals:GraceHours=0", "Originals:CheckIntervalSeconds=1", "Originals:DryRun=true");
        run.WaitUntil(() => run.Log().Contains("would delete"), "the dry run's notice");
        Assert.True(File.Exists(kept));
        Assert.Equal(0, run.Terminate());

        run.Start(1, null, "Originals:DeleteAfterVerify=true", "Originals:GraceHours=0", "Originals:CheckIntervalSeconds=1");
        run.WaitUntil(() => run.Stage(kept) == "original-deleted", "the original deleted");
        Assert.False(File.Exists(kept));
        var output = Path.Combine(run.Output, "kept.h5");
        Assert.True(CropRecord.Load(CropRecord.PathFor(output)).Verified);
        Assert.Equal(0, run.Terminate());
    }

    [Fact]
    public void A_scan_with_nothing_to_crop_is_skipped_with_its_reason_by_the_shipped_model()
    {
        using var run = new DaemonRun();
        var full = Path.Combine(run.Watch, "fills-view.h5");
        // The specimen fills the field of view: there is nothing to cut away.
        Specimens.Write(full, VolumeFormat.Hdf5, Shape, VoxelBox.Full(Shape));
        var before = Specimens.Fingerprint(full);
        run.Start(1, null, "Localizer:Method=rotation", "Localizer:Device=cpu", "Output:MinSavedPercent=5");
        run.WaitUntil(() => run.Stage(full) is "skipped" or "published", "a decision");
        var entry = run.Journal()[full];
        Assert.Equal("skipped", (string?)entry["stage"]);
        Assert.False(string.IsNullOrEmpty((string?)entry["reason"]));
        Assert.Equal(64, ((string?)entry["model"])!.Length);
        // Only the picture that shows why: no crop, no record.
        Assert.Equal(["fills-view.h5.preview.png"], Directory.EnumerateFileSystemEntries(run.Output).Select(p => Path.GetFileName(p)).ToArray());
        Assert.Equal(before, Specimens.Fingerprint(full));
        var savings = Assert.Single(SavingsLines(run));
        Assert.Equal(0.0, (double)savings["saved_percent"]!);
        Assert.Equal(0, run.Terminate());
    }

    private static List<JsonObject> SavingsLines(DaemonRun run) =>
        Directory.EnumerateFiles(Path.Combine(run.State, "savings"), "savings-*.jsonl")
            .SelectMany(File.ReadAllLines)
            .Where(l => l.Length > 0)
            .Select(l => (JsonObject)JsonNode.Parse(l)!)
            .ToList();
}
