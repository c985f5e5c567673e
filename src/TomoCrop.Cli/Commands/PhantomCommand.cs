using System.CommandLine;
using TomoCrop.Phantoms;
using TomoCrop.Volumes;

namespace TomoCrop.Cli.Commands;

/// <summary>`tomocrop phantom OUTPUT`: one synthetic CT scan, or with --count a set of them and a manifest.</summary>
internal static class PhantomCommand
{
    public static Command Create()
    {
        var output = new Argument<string>("OUTPUT") { Description = "volume path (or, with --count, a directory for the set and its manifest.json)" };
        var kind = new Option<string>("--kind") { Description = "embryo, fish or cells", DefaultValueFactory = _ => "embryo" };
        var variant = new Option<string>("--variant") { Description = "standard, holder-only, fills-view, out-of-view, no-holder or touching-wall", DefaultValueFactory = _ => "standard" };
        var shape = new Option<string>("--shape") { Description = "N or Z,Y,X", DefaultValueFactory = _ => "128" };
        var dtype = new Option<string>("--dtype") { Description = "float32 or uint16", DefaultValueFactory = _ => "float32" };
        var format = CommonOptions.Format("hdf5, tiff-stack, tiff or raw (default: from the extension, else hdf5)");
        var seed = new Option<long>("--seed") { Description = "random seed (same seed, same bytes)", DefaultValueFactory = _ => 1 };
        var artefacts = new Option<string>("--artefacts") { Description = "fbp (forward-project + filtered back-projection per slice), approximate or none", DefaultValueFactory = _ => "fbp" };
        var count = new Option<int>("--count") { Description = "write a mixed set of this many phantoms with a manifest", DefaultValueFactory = _ => 0 };
        var suite = new Option<string?>("--suite") { Description = $"write the fixed evaluation suite '{PhantomSuite.VariedName}' (every scan kind, both dtypes; --shape N sets the side) with a manifest" };
        var command = new Command("phantom", "Write synthetic CT-like scans of organism-like specimens in a holder, with the exact ground-truth box.")
        {
            output, kind, variant, shape, dtype, format, seed, artefacts, count, suite,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output)!;
            if (!PhantomNames.TryParseArtefactMode(parse.GetValue(artefacts)!, out var mode))
            {
                throw new FormatException($"--artefacts '{parse.GetValue(artefacts)}' is not one of fbp, approximate, none");
            }
            var voxelType = ShapeParsing.ParseDtype(parse.GetValue(dtype)!);
            var volumeShape = ShapeParsing.Parse(parse.GetValue(shape)!);
            var volumeFormat = CommonOptions.ParseFormat(parse.GetValue(format)) ?? FormatFromExtension(path);
            var artefactOptions = ArtefactOptions.Default with { Mode = mode };
            var progress = new SynchronousProgress<PhantomCase>(c => Console.WriteLine($"wrote     {c.Path} ({c.Kind}, {c.Variant})"));
            var setFormat = new VolumeWriteOptions { Format = CommonOptions.ParseFormat(parse.GetValue(format)) ?? VolumeFormat.Hdf5 };
            if (parse.GetValue(suite) is { } suiteName)
            {
                if (suiteName != PhantomSuite.VariedName)
                {
                    throw new FormatException($"--suite '{suiteName}' is not one of {PhantomSuite.VariedName}");
                }
                var cases = PhantomSuite.Varied(volumeShape.Z, parse.GetValue(seed))
                    .Select(c => c with { Spec = c.Spec with { Artefacts = c.Spec.Artefacts with { Mode = mode } } });
                Console.WriteLine($"manifest  {PhantomSet.Generate(path, cases, setFormat, progress)}");
                return CliErrors.Ok;
            }
            if (parse.GetValue(count) > 0)
            {
                var manifest = PhantomSet.Generate(path, parse.GetValue(count), parse.GetValue(seed), new PhantomSetOptions
                {
                    Shapes = [volumeShape],
                    VoxelTypes = [voxelType],
                    Artefacts = artefactOptions,
                    Write = setFormat,
                    Progress = progress,
                });
                Console.WriteLine($"manifest  {manifest}");
                return CliErrors.Ok;
            }
            if (!PhantomNames.TryParseKind(parse.GetValue(kind)!, out var specimenKind))
            {
                throw new FormatException($"--kind '{parse.GetValue(kind)}' is not one of embryo, fish, cells");
            }
            if (!PhantomNames.TryParseVariant(parse.GetValue(variant)!, out var phantomVariant))
            {
                throw new FormatException($"--variant '{parse.GetValue(variant)}' is not one of standard, holder-only, fills-view, out-of-view, no-holder, touching-wall");
            }
            var written = PhantomGenerator.Write(new PhantomSpec
            {
                Kind = specimenKind,
                Variant = phantomVariant,
                Shape = volumeShape,
                VoxelType = voxelType,
                Seed = parse.GetValue(seed),
                Artefacts = artefactOptions,
            }, path, new VolumeWriteOptions { Format = volumeFormat });
            var box = written.Box;
            Console.WriteLine($"wrote     {written.Path} {volumeShape} {voxelType.NumpyName()} ({written.Kind}, {written.Variant})");
            Console.WriteLine(box is { } b ? $"truth     box_zyx [{b.Z}] [{b.Y}] [{b.X}]" : "truth     no specimen");
            return CliErrors.Ok;
        });
        return command;
    }

    public static VolumeFormat FormatFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".raw" or ".bin" => VolumeFormat.Raw,
        ".tif" or ".tiff" => VolumeFormat.MultiPageTiff,
        "" => VolumeFormat.TiffStack,
        _ => VolumeFormat.Hdf5,
    };
}
