using System.CommandLine;
using System.Globalization;
using TomoCrop.Cropping;

namespace TomoCrop.Cli.Commands;

/// <summary>`tomocrop uncrop CROP -o FULL`: rebuild the original shape so a crop can be checked against its original.</summary>
internal static class UncropCommand
{
    public static Command Create()
    {
        var crop = new Argument<string>("CROP") { Description = "a crop written by tomocrop (its CROP.crop.json must be beside it)" };
        var output = new Option<string>("--output", "-o") { Description = "the rebuilt full-size volume; must not exist", Required = true };
        var fill = new Option<string>("--fill") { Description = "value of voxels outside the box", DefaultValueFactory = _ => "0" };
        var format = CommonOptions.Format("output format (default: the crop's)");
        var compression = CommonOptions.Compression();
        var buffer = CommonOptions.BufferMiB();
        var command = new Command("uncrop", "Rebuild a volume of the original shape from a crop, filling outside the box.")
        {
            crop, output, fill, format, compression, buffer,
        };
        command.SetAction(parse =>
        {
            var fillText = parse.GetValue(fill)!;
            if (!double.TryParse(fillText, NumberStyles.Float, CultureInfo.InvariantCulture, out var fillValue))
            {
                throw new FormatException($"--fill '{fillText}' is not a number");
            }
            var result = Uncropper.Uncrop(parse.GetValue(crop)!, parse.GetValue(output)!, fillValue,
                CommonOptions.ParseFormat(parse.GetValue(format)), CommonOptions.ParseCompression(parse.GetValue(compression)!),
                CommonOptions.Limits(parse.GetValue(buffer)));
            Console.WriteLine($"rebuilt   {result.OutputPath} {result.Shape}, box [{result.Box.Z}] [{result.Box.Y}] [{result.Box.X}] from the crop, fill {fillValue.ToString(CultureInfo.InvariantCulture)} elsewhere");
            Console.WriteLine($"box hash  xxhash128 {result.BoxHash} ({(result.MatchesSourceHash ? "matches the source hash in the crop record" : "DOES NOT match the source hash")})");
            return result.MatchesSourceHash ? CliErrors.Ok : CliErrors.BadInput;
        });
        return command;
    }
}
