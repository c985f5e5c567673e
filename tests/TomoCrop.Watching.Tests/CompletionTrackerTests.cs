using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Watching.Tests;

public sealed class CompletionTrackerTests : WatchFixture
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 3, 0, 0, TimeSpan.Zero));

    private CompletionOptions Options { get; } = new() { QuietSeconds = 60 };

    private (RootScanner Scanner, CompletionTracker Tracker) Start(Action<WatchRootOptions>? change = null) =>
        (new RootScanner(RootOptions(change), Options), new CompletionTracker(Options, _clock));

    private static IReadOnlyList<string> Update(RootScanner scanner, CompletionTracker tracker) =>
        [.. tracker.Update(scanner.Scan()).Select(c => c.RelativePath)];

    private void Advance(double seconds) => _clock.Advance(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void A_file_growing_between_updates_is_not_complete_until_it_stays_unchanged_for_the_quiet_period()
    {
        var shape = new VolumeShape(8, 16, 16);
        var data = TestVolumes.Pattern(shape, VoxelType.UInt16);
        var path = WriteVolume("scan.raw", VolumeFormat.Raw, shape);
        File.WriteAllBytes(path, data[..(data.Length / 4)]); // the sidecar is there, the data only a quarter
        var (scanner, tracker) = Start();

        Assert.Empty(Update(scanner, tracker));
        for (var quarter = 2; quarter <= 4; quarter++)
        {
            Advance(50);
            using (var stream = new FileStream(path, FileMode.Append))
            {
                stream.Write(data.AsSpan((quarter - 1) * data.Length / 4, data.Length / 4));
            }
            Assert.Empty(Update(scanner, tracker)); // changed since the last update: the quiet clock restarts
        }
        Advance(59);
        Assert.Empty(Update(scanner, tracker));
        Assert.Contains("unchanged for 59 s of 60 s", tracker.Pending.Single().Reason);
        Advance(1);
        Assert.Equal(["scan.raw"], Update(scanner, tracker));
        Assert.Empty(tracker.Pending);
    }

    [Fact]
    public void The_quiet_period_is_measured_on_the_injected_clock_not_wall_time()
    {
        WriteVolume("scan.h5", VolumeFormat.Hdf5);
        Options.QuietSeconds = 3600;
        var (scanner, tracker) = Start();
        var wall = Stopwatch.StartNew();

        Assert.Empty(Update(scanner, tracker));
        Advance(3599);
        Assert.Empty(Update(scanner, tracker));
        Advance(1);
        Assert.Equal(["scan.h5"], Update(scanner, tracker));
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(60), "an hour of quiet took no real hour");
    }

    [Fact]
    public void A_marker_makes_a_volume_complete_before_the_quiet_period()
    {
        var path = WriteVolume("scan.h5", VolumeFormat.Hdf5);
        var stack = WriteVolume("recon", VolumeFormat.TiffStack);
        var (scanner, tracker) = Start();

        Assert.Empty(Update(scanner, tracker));
        File.WriteAllText(path + ".done", "");
        File.WriteAllText(stack + ".done", ""); // a stack's marker is its sibling DIR.done
        Advance(1);
        Assert.Equal(["recon", "scan.h5"], Update(scanner, tracker));
    }

    [Fact]
    public void A_marker_older_than_the_volumes_last_change_does_not_count()
    {
        var path = WriteVolume("scan.h5", VolumeFormat.Hdf5);
        File.WriteAllText(path + ".done", "");
        SetModified(path + ".done", DateTime.UtcNow.AddHours(-2)); // left over from an earlier run of the same name
        var (scanner, tracker) = Start();

        Assert.Empty(Update(scanner, tracker));
        Advance(60);
        Assert.Equal(["scan.h5"], Update(scanner, tracker)); // the quiet period still completes it
    }

    [Fact]
    public void With_RequireMarker_only_the_marker_completes_a_volume()
    {
        var path = WriteVolume("scan.h5", VolumeFormat.Hdf5);
        Options.RequireMarker = true;
        var (scanner, tracker) = Start();

        Assert.Empty(Update(scanner, tracker));
        Advance(86_400);
        Assert.Empty(Update(scanner, tracker));
        Assert.Equal($"waiting for marker {path}.done", tracker.Pending.Single().Reason);
        File.WriteAllText(path + ".done", "");
        Assert.Equal(["scan.h5"], Update(scanner, tracker));
    }

    [Fact]
    public void A_tiff_stack_with_a_truncated_last_slice_is_not_complete_and_the_reason_names_the_slice()
    {
        var stack = WriteVolume("recon", VolumeFormat.TiffStack, new VolumeShape(5, 32, 32));
        var last = Path.Combine(stack, "slice_00004.tif");
        var whole = File.ReadAllBytes(last);
        Truncate(last, 0.5);
        var (scanner, tracker) = Start();

        Assert.Empty(Update(scanner, tracker));
        Advance(600);
        Assert.Empty(Update(scanner, tracker));
        var pending = tracker.Pending.Single();
        Assert.Equal("recon", pending.Candidate.RelativePath);
        Assert.Contains("slice_00004.tif", pending.Reason);
        Assert.Contains("truncated", pending.Reason);

        File.WriteAllBytes(last, whole); // the writer finishes the slice: changed, so the quiet clock restarts
        Assert.Empty(Update(scanner, tracker));
        Advance(60);
        Assert.Equal(["recon"], Update(scanner, tracker));
    }

    [Fact]
    public void A_truncated_hdf5_file_is_not_complete()
    {
        var path = WriteVolume("scan.h5", VolumeFormat.Hdf5, new VolumeShape(16, 32, 32));
        Truncate(path, 0.6);
        var (scanner, tracker) = Start();

        Update(scanner, tracker);
        Advance(600);
        Assert.Empty(Update(scanner, tracker));
        Assert.Contains("truncated", tracker.Pending.Single().Reason);
    }

    [Fact]
    public void An_hdf5_file_a_writer_still_holds_open_is_not_complete_though_its_shape_is_declared()
    {
        // h5py creates the dataset with its full shape first; libhdf5 marks the superblock while the file is open.
        // os._exit leaves it as a writer that has not closed the file yet (or crashed) leaves it.
        var path = Temp.File("scan.h5");
        ExternalTool.RunPython("""
            import sys, os, h5py, numpy as np
            f = h5py.File(sys.argv[1], 'w')
            d = f.create_dataset('/exchange/data', shape=(8, 16, 16), dtype='u2', chunks=(1, 16, 16))
            d[:4] = np.ones((4, 16, 16), 'u2')
            f.flush()
            os._exit(0)
            """, path);
        Options.ProbeGiveUpSeconds = 7200;
        var (scanner, tracker) = Start();

        Update(scanner, tracker);
        Advance(600);
        Assert.Empty(Update(scanner, tracker));
        Assert.Contains("writer has the file open", tracker.Pending.Single().Reason);
        Advance(7200);
        Assert.Equal(["scan.h5"], Update(scanner, tracker)); // given up on: processing will quarantine it with the reason
    }

    [Fact]
    public void A_volume_returned_once_is_not_returned_again_unless_it_changes()
    {
        var path = WriteVolume("scan.raw", VolumeFormat.Raw);
        var (scanner, tracker) = Start();

        Update(scanner, tracker);
        Advance(60);
        Assert.Equal(["scan.raw"], Update(scanner, tracker));
        for (var i = 0; i < 3; i++)
        {
            Advance(3600);
            Assert.Empty(Update(scanner, tracker));
        }
        Assert.Equal(1, tracker.TrackedCount);

        var bytes = File.ReadAllBytes(path);
        bytes[0] ^= 0xff;
        File.WriteAllBytes(path, bytes); // rewritten in place: same size, new mtime
        SetModified(path, DateTime.UtcNow.AddMinutes(1));
        Assert.Empty(Update(scanner, tracker));
        Advance(60);
        Assert.Equal(["scan.raw"], Update(scanner, tracker));
    }

    [Fact]
    public void Vanished_paths_are_forgotten_and_start_over_when_they_reappear()
    {
        var path = WriteVolume("scan.h5", VolumeFormat.Hdf5);
        WriteVolume("other.h5", VolumeFormat.Hdf5);
        var (scanner, tracker) = Start();

        Update(scanner, tracker);
        Advance(60);
        Assert.Equal(["other.h5", "scan.h5"], Update(scanner, tracker));
        File.Delete(path);
        Assert.Empty(Update(scanner, tracker));
        Assert.Equal(1, tracker.TrackedCount);

        WriteVolume("scan.h5", VolumeFormat.Hdf5);
        Assert.Empty(Update(scanner, tracker));
        Assert.Equal("scan.h5", tracker.Pending.Single().Candidate.RelativePath);
        Advance(60);
        Assert.Equal(["scan.h5"], Update(scanner, tracker));
    }

    [Fact]
    public void Forget_makes_a_complete_volume_new_again()
    {
        var path = WriteVolume("scan.h5", VolumeFormat.Hdf5);
        var (scanner, tracker) = Start();
        Update(scanner, tracker);
        Advance(60);
        Assert.Equal(["scan.h5"], Update(scanner, tracker));

        tracker.Forget(path);
        Assert.Empty(Update(scanner, tracker));
        Advance(60);
        Assert.Equal(["scan.h5"], Update(scanner, tracker));
    }

    [Fact]
    public void A_stack_gaining_a_slice_restarts_the_quiet_clock()
    {
        var stack = WriteVolume("recon", VolumeFormat.TiffStack);
        var (scanner, tracker) = Start();

        Update(scanner, tracker);
        Advance(45);
        File.Copy(Path.Combine(stack, "slice_00003.tif"), Path.Combine(stack, "slice_00004.tif"));
        Assert.Empty(Update(scanner, tracker));
        Advance(45);
        Assert.Empty(Update(scanner, tracker));
        Advance(15);
        var complete = tracker.Update(scanner.Scan()).Single();
        Assert.Equal(5, complete.Fingerprint.FileCount);
    }
}
