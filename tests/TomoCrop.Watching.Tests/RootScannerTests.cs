using TomoCrop.Volumes;

namespace TomoCrop.Watching.Tests;

public sealed class RootScannerTests : WatchFixture
{
    private IReadOnlyList<VolumeCandidate> Scan(Action<WatchRootOptions>? change = null, CompletionOptions? completion = null) =>
        new RootScanner(RootOptions(change), completion ?? new CompletionOptions()).Scan();

    private static Dictionary<string, VolumeFormat> ByRelativePath(IEnumerable<VolumeCandidate> candidates) =>
        candidates.ToDictionary(c => c.RelativePath, c => c.Format);

    [Fact]
    public void Finds_each_format_and_groups_a_tiff_stack_directory_into_one_volume()
    {
        WriteVolume("scan.h5", VolumeFormat.Hdf5);
        WriteVolume("sub/scan.tif", VolumeFormat.MultiPageTiff);
        WriteVolume("sub/scan.raw", VolumeFormat.Raw);
        var stack = WriteVolume("run1/recon", VolumeFormat.TiffStack);
        File.WriteAllText(Temp.File("notes.txt"), "beam dump at 03:12");
        File.WriteAllBytes(Temp.File("orphan.dat"), new byte[4096]); // raw-looking data without a sidecar

        var found = Scan();

        Assert.Equal(
            new Dictionary<string, VolumeFormat>
            {
                ["run1/recon"] = VolumeFormat.TiffStack,
                ["scan.h5"] = VolumeFormat.Hdf5,
                ["sub/scan.raw"] = VolumeFormat.Raw,
                ["sub/scan.tif"] = VolumeFormat.MultiPageTiff,
            },
            ByRelativePath(found));
        var stackCandidate = found.Single(c => c.Format == VolumeFormat.TiffStack);
        Assert.Equal(stack, stackCandidate.Path);
        Assert.Equal("beamline", stackCandidate.RootName);
        Assert.Equal(SmallShape.Z, stackCandidate.Fingerprint.FileCount);
        Assert.Equal(Directory.GetFiles(stack).Sum(f => new FileInfo(f).Length), stackCandidate.Fingerprint.SizeBytes);
        var file = found.Single(c => c.Format == VolumeFormat.Hdf5);
        Assert.Equal(1, file.Fingerprint.FileCount);
        Assert.Equal(new FileInfo(file.Path).Length, file.Fingerprint.SizeBytes);
        Assert.NotEqual(0UL, file.Fingerprint.Inode);
    }

    [Fact]
    public void Skips_temporaries_markers_sidecars_the_output_directory_and_excluded_paths()
    {
        WriteVolume("keep.h5", VolumeFormat.Hdf5);
        WriteVolume(".hidden.h5", VolumeFormat.Hdf5);
        WriteVolume("upload.h5.part", VolumeFormat.Hdf5);
        WriteVolume("x.tmp", VolumeFormat.Hdf5);
        WriteVolume(".keep.h5.tomocrop-tmp-4242-0badf00d", VolumeFormat.Hdf5);
        WriteVolume(".snapshot/old.h5", VolumeFormat.Hdf5);
        WriteVolume("cropped/keep.h5", VolumeFormat.Hdf5); // the output directory inside the root
        WriteVolume("scratch/test.h5", VolumeFormat.Hdf5);
        WriteVolume("raw/scan.raw", VolumeFormat.Raw);
        File.WriteAllText(Temp.File("keep.h5.done"), "");
        File.WriteAllText(Temp.File("keep.h5.crop.json"), "{}");

        var found = Scan(r => r.Exclude = ["scratch/**"]);

        Assert.Equal(["keep.h5", "raw/scan.raw"], found.Select(c => c.RelativePath));
    }

    [Fact]
    public void Our_own_temporaries_are_skipped_even_when_ignore_patterns_would_not_skip_them()
    {
        WriteVolume("keep.h5", VolumeFormat.Hdf5);
        WriteVolume(".keep.h5.tomocrop-tmp-4242-0badf00d", VolumeFormat.Hdf5);
        WriteVolume(".visible.h5", VolumeFormat.Hdf5);

        var found = Scan(completion: new CompletionOptions { IgnorePatterns = [] });

        Assert.Equal([".visible.h5", "keep.h5"], found.Select(c => c.RelativePath));
    }

    [Fact]
    public void Include_globs_select_by_relative_path()
    {
        WriteVolume("a/scan.h5", VolumeFormat.Hdf5);
        WriteVolume("a/scan.tif", VolumeFormat.MultiPageTiff);
        WriteVolume("b/scan.h5", VolumeFormat.Hdf5);
        WriteVolume("a/stack", VolumeFormat.TiffStack);

        Assert.Equal(["a/scan.h5", "b/scan.h5"], Scan(r => r.Include = ["**/*.h5"]).Select(c => c.RelativePath));
        Assert.Equal(["a/scan.h5", "a/scan.tif", "a/stack"], Scan(r => r.Include = ["a/**"]).Select(c => c.RelativePath));
    }

    [Fact]
    public void A_directory_of_multi_page_tiffs_holds_separate_volumes_not_one_stack()
    {
        WriteVolume("series/specimen_a.tif", VolumeFormat.MultiPageTiff);
        WriteVolume("series/specimen_b.tif", VolumeFormat.MultiPageTiff);
        WriteVolume("series/specimen_c.tif", VolumeFormat.MultiPageTiff);

        var found = Scan();

        Assert.Equal(["series/specimen_a.tif", "series/specimen_b.tif", "series/specimen_c.tif"], found.Select(c => c.RelativePath));
        Assert.All(found, c => Assert.Equal(VolumeFormat.MultiPageTiff, c.Format));
    }

    [Fact]
    public void Fewer_tiffs_than_MinStackSlices_are_single_tiff_volumes_and_the_root_itself_is_never_a_stack()
    {
        WriteVolume("stack", VolumeFormat.TiffStack, new VolumeShape(3, 4, 4));
        WriteVolume("top_000.tif", VolumeFormat.MultiPageTiff, new VolumeShape(1, 4, 4));
        WriteVolume("top_001.tif", VolumeFormat.MultiPageTiff, new VolumeShape(1, 4, 4));

        var strict = Scan(completion: new CompletionOptions { MinStackSlices = 4 });
        var usual = Scan();

        Assert.Equal(["stack/slice_00000.tif", "stack/slice_00001.tif", "stack/slice_00002.tif", "top_000.tif", "top_001.tif"],
            strict.Select(c => c.RelativePath));
        Assert.Equal(["stack", "top_000.tif", "top_001.tif"], usual.Select(c => c.RelativePath));
    }

    [Fact]
    public void A_format_hint_overrides_detection_for_files()
    {
        WriteVolume("scan.data", VolumeFormat.Hdf5); // no extension the detector knows, but HDF5 magic bytes
        File.WriteAllBytes(Temp.File("blob"), new byte[64]);

        var detected = Scan();
        var hinted = Scan(r => r.Format = "hdf5");

        Assert.Equal(["scan.data"], detected.Select(c => c.RelativePath));
        Assert.Equal(["blob", "scan.data"], hinted.Select(c => c.RelativePath));
        Assert.All(hinted, c => Assert.Equal(VolumeFormat.Hdf5, c.Format));
    }

    [Fact]
    public void A_tiff_stack_hint_takes_only_slice_directories()
    {
        WriteVolume("scan.h5", VolumeFormat.Hdf5);
        WriteVolume("recon", VolumeFormat.TiffStack);

        var found = Scan(r => r.Format = "tiff-stack");

        Assert.Equal(["recon"], found.Select(c => c.RelativePath));
    }

    [Fact]
    public void A_raw_file_becomes_a_volume_when_its_sidecar_appears_even_if_the_data_did_not_change()
    {
        var data = WriteVolume("scan.raw", VolumeFormat.Raw);
        var sidecar = data + ".json";
        var saved = File.ReadAllText(sidecar);
        File.Delete(sidecar);
        var scanner = new RootScanner(RootOptions(), new CompletionOptions());

        Assert.Empty(scanner.Scan());
        File.WriteAllText(sidecar, saved);
        Assert.Equal(["scan.raw"], scanner.Scan().Select(c => c.RelativePath));
    }

    [Fact]
    public void A_file_locked_by_its_writer_is_asked_again_once_the_lock_is_gone_though_size_and_mtime_did_not_change()
    {
        var data = WriteVolume("scan.h5", VolumeFormat.Hdf5);
        var scanner = new RootScanner(RootOptions(), new CompletionOptions());
        using (new FileStream(data, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            // .NET's exclusive open (an advisory lock on Linux) makes the scanner's open fail while it is held.
            Assert.Empty(scanner.Scan());
        }
        Assert.Equal(["scan.h5"], scanner.Scan().Select(c => c.RelativePath));
    }

    [Fact]
    public void Symbolic_links_are_not_followed_so_a_loop_or_a_link_out_of_the_root_finds_nothing_twice()
    {
        WriteVolume("a/scan.h5", VolumeFormat.Hdf5);
        using var outside = new TomoCrop.TestSupport.TempDirectory("tomocrop-outside-");
        var elsewhere = Path.Combine(outside.Path, "elsewhere.h5");
        using (var writer = VolumeIO.Create(elsewhere, SmallShape, VoxelType.UInt8, new VolumeWriteOptions()))
        {
            TomoCrop.TestSupport.TestVolumes.WriteAll(writer, TomoCrop.TestSupport.TestVolumes.Pattern(SmallShape, VoxelType.UInt8));
        }
        Directory.CreateSymbolicLink(Temp.File("a/loop"), Temp.Path);
        Directory.CreateSymbolicLink(Temp.File("out"), outside.Path);
        File.CreateSymbolicLink(Temp.File("alias.h5"), Temp.File("a/scan.h5"));

        Assert.Equal(["a/scan.h5"], Scan().Select(c => c.RelativePath));
    }

    [Fact]
    public void A_missing_root_throws_so_the_daemon_can_pause_it()
    {
        var scanner = new RootScanner(RootOptions(r => r.Path = Temp.File("not-mounted")), new CompletionOptions());

        var error = Assert.ThrowsAny<IOException>(() => scanner.Scan());
        Assert.Contains("not-mounted", error.Message);
        Assert.Contains("beamline", error.Message);
    }

    [Fact]
    public void A_scanned_fingerprint_equals_the_one_taken_later_by_path_whatever_the_ignore_patterns()
    {
        // The daemon re-takes RootScanner.Fingerprint(path) around processing: an equal value means "unchanged".
        var stack = WriteVolume("recon", VolumeFormat.TiffStack);
        File.Copy(Path.Combine(stack, "slice_00000.tif"), Path.Combine(stack, "overview_preview.tif"));
        File.WriteAllText(Path.Combine(stack, "slice_00004.tif.part"), "half");
        var file = WriteVolume("scan.h5", VolumeFormat.Hdf5);

        var found = Scan(completion: new CompletionOptions { IgnorePatterns = [".*", "*.part", "*_preview.tif"] });

        Assert.Equal(RootScanner.Fingerprint(stack), found.Single(c => c.Path == stack).Fingerprint);
        Assert.Equal(RootScanner.Fingerprint(file), found.Single(c => c.Path == file).Fingerprint);
    }

    [Fact]
    public void Fingerprint_of_a_stack_counts_its_slices_and_follows_a_new_slice()
    {
        var stack = WriteVolume("recon", VolumeFormat.TiffStack);
        var before = RootScanner.Fingerprint(stack);
        File.Copy(Path.Combine(stack, "slice_00003.tif"), Path.Combine(stack, "slice_00004.tif"));
        var after = RootScanner.Fingerprint(stack);

        Assert.Equal(4, before.FileCount);
        Assert.Equal(5, after.FileCount);
        Assert.True(after.SizeBytes > before.SizeBytes);
        Assert.Equal(before.Inode, after.Inode);
    }
}
