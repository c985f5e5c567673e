using TomoCrop.Volumes;

namespace TomoCrop.Watching.Tests;

public sealed class CompletenessProbeTests : WatchFixture
{
    private VolumeCandidate Candidate(string path, VolumeFormat format) =>
        new("beamline", path, Path.GetRelativePath(Temp.Path, path), format, RootScanner.Fingerprint(path));

    public static TheoryData<VolumeFormat> Formats() =>
        [VolumeFormat.Hdf5, VolumeFormat.MultiPageTiff, VolumeFormat.Raw, VolumeFormat.TiffStack];

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_completely_written_volume_passes(VolumeFormat format)
    {
        var path = WriteVolume("scan", format, new VolumeShape(6, 20, 24), VoxelType.Float32);

        Assert.Equal(ProbeResult.Passed, CompletenessProbe.Check(Candidate(path, format), null));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_volume_cut_short_fails_with_a_reason_naming_the_file(VolumeFormat format)
    {
        var path = WriteVolume("scan", format, new VolumeShape(6, 20, 24), VoxelType.Float32);
        var cut = format == VolumeFormat.TiffStack ? Path.Combine(path, "slice_00005.tif") : path;
        Truncate(cut, 0.7);

        var result = CompletenessProbe.Check(Candidate(path, format), null);

        Assert.False(result.Complete);
        Assert.StartsWith(cut, result.Reason);
    }

    [Fact]
    public void A_stack_slice_of_another_size_fails()
    {
        var stack = WriteVolume("recon", VolumeFormat.TiffStack, new VolumeShape(3, 8, 8));
        var odd = WriteVolume("odd", VolumeFormat.TiffStack, new VolumeShape(1, 8, 9));
        File.Move(Path.Combine(odd, "slice_00000.tif"), Path.Combine(stack, "slice_00003.tif"));

        var result = CompletenessProbe.Check(Candidate(stack, VolumeFormat.TiffStack), null);

        Assert.False(result.Complete);
        Assert.Contains("slice_00003.tif", result.Reason);
        Assert.Contains("equal slices", result.Reason);
    }

    [Fact]
    public void The_configured_hdf5_dataset_is_the_one_checked()
    {
        var path = Temp.File("scan.h5");
        using (var writer = VolumeIO.Create(path, new VolumeShape(2, 4, 4), VoxelType.UInt8, new VolumeWriteOptions { DatasetPath = "/entry/data/data" }))
        {
            TomoCrop.TestSupport.TestVolumes.WriteAll(writer, new byte[32]);
        }

        Assert.True(CompletenessProbe.Check(Candidate(path, VolumeFormat.Hdf5), "/entry/data/data").Complete);
        var missing = CompletenessProbe.Check(Candidate(path, VolumeFormat.Hdf5), "/exchange/data");
        Assert.False(missing.Complete);
        Assert.Contains("/exchange/data", missing.Reason);
    }

    [Fact]
    public void A_vanished_file_is_incomplete_not_an_exception()
    {
        var path = WriteVolume("scan.h5", VolumeFormat.Hdf5);
        var candidate = Candidate(path, VolumeFormat.Hdf5);
        File.Delete(path);

        var result = CompletenessProbe.Check(candidate, null);

        Assert.False(result.Complete);
        Assert.Contains(path, result.Reason);
    }
}
