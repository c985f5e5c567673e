using System.CommandLine;
using System.Globalization;
using TomoCrop.Localization;
using TomoCrop.Cropping;
using TomoCrop.Phantoms;
using TomoCrop.Reporting.Preview;
using TomoCrop.Volumes;

namespace TomoCrop.Cli.Commands;

/// <summary>`tomocrop demo`: the whole job on a built-in synthetic scan, no data needed.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var directory = new Option<string>("--dir") { Description = "where the demo writes its run folder", DefaultValueFactory = _ => "tomocrop-demo" };
        var size = new Option<int>("--size") { Description = "edge of the synthetic volume in voxels", DefaultValueFactory = _ => 256 };
        var seed = new Option<long>("--seed") { Description = "phantom seed", DefaultValueFactory = _ => 7 };
        var command = new Command("demo", "Make a synthetic CT scan of a specimen in a tube, localize it, crop it losslessly, and show what was saved.")
        {
            directory, size, seed,
        };
        command.SetAction(parse =>
        {
            var run = Path.Combine(parse.GetValue(directory)!, "run-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(run);
            var edge = parse.GetValue(size);
            var scanPath = Path.Combine(run, "scan.h5");
            Console.WriteLine($"1/4 synthetic scan: embryo-like specimen in a tube, {edge}^3 float32, FBP reconstruction artefacts");
            var phantom = PhantomGenerator.Write(new PhantomSpec
            {
                Kind = SpecimenKind.Embryo,
                Shape = new VolumeShape(edge, edge, edge),
                Seed = parse.GetValue(seed),
            }, scanPath, new VolumeWriteOptions { Format = VolumeFormat.Hdf5 });
            Console.WriteLine($"    {phantom.Path}  true box_zyx {phantom.Box}");

            Console.WriteLine("2/4 localize: rotation-certainty model (self-supervised), classical baseline beside it");
            using var reader = VolumeIO.Open(scanPath);
            var learned = LocalizerChoice.Create(LocalizerChoice.Rotation, null, "auto");
            TomoCrop.Localization.LocalizationResult result;
            try
            {
                result = learned.Localize(reader);
            }
            finally
            {
                LocalizerChoice.Dispose(learned);
            }
            var classical = LocalizerChoice.Create(LocalizerChoice.Classical, null, "cpu").Localize(reader);
            Console.WriteLine(LocalizationSummary.Describe(reader.Info, result));
            Console.WriteLine($"    classical baseline box_zyx {classical.Box} keeps {classical.KeptFraction:P1}");
            var contains = phantom.Box is { } truth && result.Box.Contains(truth);
            Console.WriteLine($"    true box wholly inside the learned box: {(contains ? "yes" : "NO")}");
            var previewPath = Path.Combine(run, "scan.preview.png");
            PreviewRenderer.Render(reader, result, phantom.Box, previewPath);
            Console.WriteLine($"    preview {previewPath}");

            Console.WriteLine("3/4 crop losslessly, verify by hash, publish atomically");
            var record = new Cropper().Crop(new CropRequest
            {
                InputPath = scanPath,
                OutputPath = Path.Combine(run, "scan.crop.h5"),
                Box = result.Box,
                Localization = LocalizationJson.From(result),
            });
            Console.WriteLine(CropSummary.Describe(record));

            Console.WriteLine("4/4 saved");
            Console.WriteLine($"    {CommonOptions.Bytes(record.SourceSizeBytes)} -> {CommonOptions.Bytes(record.OutputSizeBytes)}: {record.SavedFraction:P1} of the storage saved, every specimen voxel kept bit-exactly");
            return contains ? CliErrors.Ok : CliErrors.Internal;
        });
        return command;
    }
}
