using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TomoCrop.Daemon.FineTuning;
using TomoCrop.Daemon.Options;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;
using TomoCrop.Watching;
using static Microsoft.Extensions.Options.Options;

namespace TomoCrop.Daemon.Tests;

public sealed class TrainingPoolTests : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-pool");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero));

    private TrainingPool Pool(FineTuningOptions options) =>
        new(Create(options), Create(new StateOptions { Directory = _dir.File("state") }), _time, NullLogger<TrainingPool>.Instance);

    private VolumeCandidate Scan(string name, VolumeShape shape)
    {
        var path = _dir.File(name);
        Specimens.Write(path, VolumeFormat.Hdf5, shape, new VoxelBox(new(2, shape.Z - 2), new(4, shape.Y - 4), new(4, shape.X - 4)));
        return new VolumeCandidate("recon", path, name, VolumeFormat.Hdf5, RootScanner.Fingerprint(path));
    }

    [Fact]
    public void A_copy_is_every_kth_voxel_of_the_scan_as_an_independent_reader_sees_it()
    {
        var pool = Pool(new FineTuningOptions { Enabled = true, PoolEdgeVoxels = 32 });
        var scan = Scan("scan.h5", Specimens.SmallShape);
        var copy = pool.Add(scan, VolumeOpenOptions.Default)!;
        Assert.Equal("same", ReferenceReader.Run("""
            import numpy as np
            src = load(sys.argv[1], "hdf5")[::2, ::2, ::2]
            cp = load(sys.argv[2], "raw")
            print("same" if src.shape == cp.shape and src.dtype == cp.dtype and (src == cp).all() else f"differ {src.shape} {cp.shape}")
            """, scan.Path, copy).Trim());
    }

    [Fact]
    public void Excluded_scans_and_a_disabled_pool_add_nothing()
    {
        var scan = Scan("test_scan.h5", Specimens.SmallShape);
        Assert.Null(Pool(new FineTuningOptions { Enabled = false }).Add(scan, VolumeOpenOptions.Default));
        Assert.Null(Pool(new FineTuningOptions { Enabled = true, Exclude = ["test_*"] }).Add(scan, VolumeOpenOptions.Default));
        Assert.Empty(Pool(new FineTuningOptions { Enabled = true }).Volumes());
    }

    [Fact]
    public void The_oldest_copies_are_evicted_beyond_the_budget()
    {
        var pool = Pool(new FineTuningOptions { Enabled = true, PoolMiB = 16, PoolEdgeVoxels = 128 });
        var shape = new VolumeShape(120, 120, 120); // 6.6 MB of float32 per copy: two fit in 16 MiB, three do not
        var added = new List<string>();
        foreach (var name in new[] { "a.h5", "b.h5", "c.h5" })
        {
            var scan = Scan(name, shape);
            added.Add(pool.Add(scan, VolumeOpenOptions.Default)!);
            _time.Advance(TimeSpan.FromMinutes(1));
        }
        // a.h5 arrived first and was held out (20% held out); b.h5 and c.h5 went to training. The oldest training
        // copy goes; the only held-out copy stays, as the gate needs one.
        Assert.Equal([added[0]], pool.HeldOutVolumes());
        Assert.Equal([added[2]], pool.TrainingVolumes());
        Assert.False(File.Exists(added[1]));
        Assert.False(File.Exists(added[1] + ".json"));
        Assert.Equal(1, pool.CountAddedSince(new DateTime(2026, 11, 28, 10, 0, 30, DateTimeKind.Utc)));
    }

    [Fact]
    public void Held_out_copies_keep_their_share_and_are_never_among_the_training_copies()
    {
        var pool = Pool(new FineTuningOptions { Enabled = true, PoolEdgeVoxels = 32, HeldOutFraction = 0.25 });
        for (var i = 0; i < 8; i++)
        {
            pool.Add(Scan($"s{i}.h5", Specimens.SmallShape), VolumeOpenOptions.Default);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(2, pool.HeldOutVolumes().Count);
        Assert.Equal(6, pool.TrainingVolumes().Count);
        Assert.Empty(pool.HeldOutVolumes().Intersect(pool.TrainingVolumes()));
        Assert.Equal(8, pool.Volumes().Count);
    }

    public void Dispose() => _dir.Dispose();
}
