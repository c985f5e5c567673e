using TomoCrop.TestSupport;

namespace TomoCrop.Watching.Tests;

public sealed class OptionsValidationTests : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-options-");

    public void Dispose() => _dir.Dispose();

    private WatchRootOptions ValidRoot(string name = "beamline")
    {
        var path = _dir.File(name);
        Directory.CreateDirectory(path);
        return new WatchRootOptions { Name = name, Path = path, Output = _dir.File(name + "-cropped") };
    }

    [Fact]
    public void Valid_options_have_no_problems()
    {
        Assert.Empty(ValidRoot().Validate("Watch:Roots:0"));
        Assert.Empty(WatchRootOptions.ValidateAll([ValidRoot("a"), ValidRoot("b")]));
        Assert.Empty(new CompletionOptions().Validate());
    }

    [Fact]
    public void Each_root_problem_names_its_key()
    {
        var root = new WatchRootOptions
        {
            Name = "",
            Path = _dir.File("missing"),
            Output = "relative/out",
            Include = [" "],
            Exclude = [" "],
            Format = "zarr",
            Dataset = "exchange/data",
        };

        var problems = root.Validate("Watch:Roots:3");

        Assert.Equal(
            [
                "Watch:Roots:3:Name: is empty; give the root a short name",
                $"Watch:Roots:3:Path: {_dir.File("missing")} does not exist or is not a directory",
                "Watch:Roots:3:Output: 'relative/out' must be an absolute path",
                "Watch:Roots:3:Include:0: is an empty glob",
                "Watch:Roots:3:Exclude:0: is an empty glob",
                "Watch:Roots:3:Format: 'zarr' is not one of hdf5, tiff-stack, tiff, raw (or empty to detect)",
                "Watch:Roots:3:Dataset: 'exchange/data' must be an absolute HDF5 path such as /exchange/data",
            ],
            problems);
    }

    [Fact]
    public void An_output_equal_to_the_watched_directory_is_refused()
    {
        var root = ValidRoot();
        root.Output = root.Path + "/";

        Assert.Equal(["Watch:Roots:0:Output: is the watched directory itself; crops would be taken for new volumes"], root.Validate("Watch:Roots:0"));
    }

    [Fact]
    public void Roots_with_one_name_or_one_inside_another_are_refused()
    {
        var outer = ValidRoot("outer");
        var inner = ValidRoot("outer/inner");
        inner.Name = "outer";
        inner.Output = _dir.File("inner-cropped");

        var problems = WatchRootOptions.ValidateAll([outer, inner]);

        Assert.Equal(
            [
                "Watch:Roots:1:Name: 'outer' is already the name of Watch:Roots:0",
                $"Watch:Roots:1:Path: {inner.Path} overlaps Watch:Roots:0:Path {outer.Path}; a volume must belong to one root",
            ],
            problems);
        Assert.Equal(["Watch:Roots: no watch root is configured"], WatchRootOptions.ValidateAll([]));
    }

    [Fact]
    public void An_output_inside_another_root_is_refused_but_inside_its_own_root_is_fine()
    {
        var first = ValidRoot("first");
        var second = ValidRoot("second");
        first.Output = Path.Combine(second.Path, "crops");
        second.Output = Path.Combine(second.Path, "cropped");

        Assert.Equal(
            [$"Watch:Roots:0:Output: {first.Output} lies inside Watch:Roots:1:Path {second.Path}; its crops would be cropped again"],
            WatchRootOptions.ValidateAll([first, second]));
    }

    [Fact]
    public void Completion_problems_name_their_keys()
    {
        var options = new CompletionOptions
        {
            QuietSeconds = -1,
            RescanSeconds = 0,
            ProbeGiveUpSeconds = double.NaN,
            MarkerSuffix = "",
            RequireMarker = true,
            IgnorePatterns = ["*.part", "", "tmp/*"],
            MinStackSlices = 0,
        };

        Assert.Equal(
            [
                "Completion:QuietSeconds: -1 must be a non-negative number of seconds",
                "Completion:RescanSeconds: 0 must be a positive number of seconds",
                "Completion:ProbeGiveUpSeconds: NaN must be a non-negative number of seconds",
                "Completion:MarkerSuffix: is empty but Completion:RequireMarker is true; no volume could ever complete",
                "Completion:IgnorePatterns:1: is an empty glob",
                "Completion:IgnorePatterns:2: 'tmp/*' is matched against a name and cannot hold '/'; use Watch:Roots:N:Exclude for paths",
                "Completion:MinStackSlices: 0 must be at least 1",
            ],
            options.Validate());
    }
}
