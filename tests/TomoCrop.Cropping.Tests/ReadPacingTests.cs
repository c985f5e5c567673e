using System.Diagnostics;
using TomoCrop.Cropping;
using TomoCrop.Cropping.Provenance;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Cropping.Tests;

public sealed class ReadPacingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0, 0.0, 0, 0.0)]            // unpaced
    [InlineData(1_000_000, 0.0, 1_000_000, 1.0)]
    [InlineData(1_000_000, 0.25, 1_000_000, 0.75)]
    [InlineData(1_000_000, 2.0, 1_000_000, 0.0)] // behind the rate already: no wait
    [InlineData(3_000_000, 1.0, 1_000_000, 2.0)]
    public void The_delay_brings_the_average_back_to_the_rate(long bytes, double elapsedSeconds, long rate, double expectedSeconds)
    {
        var delay = ReadPacer.DelayFor(bytes, TimeSpan.FromSeconds(elapsedSeconds), rate);
        Assert.Equal(expectedSeconds, delay.TotalSeconds, 6);
    }

    private (string Source, VoxelBox Box, long BoxBytes) Source()
    {
        var shape = new VolumeShape(32, 64, 64);
        var path = _dir.File("source.raw");
        using (var writer = VolumeIO.Create(path, shape, VoxelType.Float32, new VolumeWriteOptions { Format = VolumeFormat.Raw }))
        {
            TestVolumes.WriteAll(writer, TestVolumes.Pattern(shape, VoxelType.Float32));
        }
        var box = new VoxelBox(new(0, 32), new(0, 64), new(0, 64));
        return (path, box, box.VoxelCount * 4);
    }

    [Fact]
    public void A_paced_crop_holds_the_read_rate_and_stays_bit_exact()
    {
        var (source, box, boxBytes) = Source();
        var output = _dir.File("crop.raw");
        // Copy and verification each read the box once: 2 × 512 KiB at 1 MiB/s is about one second.
        var limits = IoLimits.Default with { MaxBufferBytes = 64 * 1024, MaxReadBytesPerSecond = 1 << 20 };
        var clock = Stopwatch.StartNew();
        var record = new Cropper().Crop(new CropRequest { InputPath = source, OutputPath = output, Box = box, Limits = limits });
        var expected = 2.0 * boxBytes / limits.MaxReadBytesPerSecond;

        Assert.True(clock.Elapsed.TotalSeconds >= 0.9 * expected, $"a paced crop of {2 * boxBytes} bytes read took {clock.Elapsed.TotalSeconds:F2} s, less than {expected:F2} s");
        Assert.True(record.Verified);
        Assert.True(ReferenceReader.CropMatches(source, "raw", output, "raw", box.ToJsonArray()));
    }

    [Fact]
    public void Cancelling_a_paced_crop_stops_it_promptly_and_publishes_nothing()
    {
        var (source, box, _) = Source();
        var output = _dir.File("crop.raw");
        // At 16 KiB/s the copy alone would take 32 s; cancelled after 0.5 s it must end long before that, even on a
        // loaded machine whose thread pool is slow to start the read-ahead.
        var limits = IoLimits.Default with { MaxBufferBytes = 64 * 1024, MaxReadBytesPerSecond = 16 * 1024 };
        var before = Entries();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() =>
            new Cropper().Crop(new CropRequest { InputPath = source, OutputPath = output, Box = box, Limits = limits }, cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(16), $"cancellation took {clock.Elapsed}");
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(CropRecord.PathFor(output)));
        Assert.Equal(before, Entries());
    }

    private string[] Entries() => Directory.EnumerateFileSystemEntries(_dir.Path).Select(p => Path.GetFileName(p)!).Order().ToArray();
}
