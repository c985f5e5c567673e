using System.CommandLine;
using System.Text.Json.Nodes;
using TomoCrop.Localization;
using TomoCrop.Cropping;
using TomoCrop.Volumes;

namespace TomoCrop.Cli.Commands;

/// <summary>`tomocrop crop INPUT --box z0:z1,y0:y1,x0:x1 -o OUTPUT`: lossless, verified, atomic.</summary>
internal static class CropCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "volume: HDF5 file, TIFF stack directory, multi-page TIFF, or raw file with sidecar" };
        var box = new Option<string?>("--box") { Description = "half-open voxel ranges z0:z1,y0:y1,x0:x1 (an empty bound means the edge); without it the specimen is localized first" };
        var output = new Option<string>("--output", "-o") { Description = "output file (a directory for a TIFF stack); must not exist", Required = true };
        var format = CommonOptions.Format("output format: hdf5, tiff-stack, tiff, raw (default: same as the input)");
        var compression = CommonOptions.Compression();
        var dataset = CommonOptions.Dataset();
        var buffer = CommonOptions.BufferMiB();
        var verifyCold = new Option<bool>("--verify-from-storage") { Description = "drop the output from the page cache before reading it back for verification" };
        var json = new Option<bool>("--json") { Description = "print the crop record as JSON instead of a summary" };
        var method = LocalizerChoice.Method();
        var model = LocalizerChoice.Model();
        var device = LocalizerChoice.Device();
        var cut = new LocalizerChoice.CutOptions();
        var command = new Command("crop", "Copy exactly the voxels of a box into a new volume, verify it by hash, publish it atomically.")
        {
            input, box, output, format, compression, dataset, buffer, verifyCold, json, method, model, device,
        };
        foreach (var option in cut.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            var inputPath = parse.GetValue(input)!;
            var limits = CommonOptions.Limits(parse.GetValue(buffer));
            var open = new VolumeOpenOptions { DatasetPath = parse.GetValue(dataset), Limits = limits };
            VoxelBox voxelBox;
            JsonObject? localization = null;
            using (var reader = VolumeIO.Open(inputPath, open))
            {
                if (parse.GetValue(box) is { } boxText)
                {
                    try
                    {
                        voxelBox = VoxelBox.Parse(boxText, reader.Info.Shape);
                    }
                    catch (FormatException e)
                    {
                        throw new VolumeException(inputPath, e.Message);
                    }
                }
                else
                {
                    // No box given: localize first. The localizer keeps whole axes it is not sure of.
                    var localizer = LocalizerChoice.Create(parse.GetValue(method)!, parse.GetValue(model), parse.GetValue(device)!, parse, cut);
                    try
                    {
                        var found = localizer.Localize(reader);
                        voxelBox = found.Box;
                        localization = LocalizationJson.From(found);
                    }
                    finally
                    {
                        LocalizerChoice.Dispose(localizer);
                    }
                }
            }
            var record = new Cropper().Crop(new CropRequest
            {
                InputPath = inputPath,
                OutputPath = parse.GetValue(output)!,
                Box = voxelBox,
                Open = open,
                OutputFormat = CommonOptions.ParseFormat(parse.GetValue(format)),
                Compression = CommonOptions.ParseCompression(parse.GetValue(compression)!),
                Limits = limits,
                VerifyFromStorage = parse.GetValue(verifyCold),
                Localization = localization,
            });
            if (parse.GetValue(json))
            {
                Console.WriteLine(record.ToJson());
            }
            else
            {
                Console.WriteLine(CropSummary.Describe(record));
            }
            return CliErrors.Ok;
        });
        return command;
    }
}
