using System.CommandLine;
using System.Text.Json.Nodes;
using TomoCrop.Volumes;

namespace TomoCrop.Cli.Commands;

/// <summary>`tomocrop info INPUT`: what the readers see, without reading voxels.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("INPUT") { Description = "volume to describe" };
        var dataset = CommonOptions.Dataset();
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("info", "Show a volume's format, shape, dtype and size.") { input, dataset, json };
        command.SetAction(parse =>
        {
            using var reader = VolumeIO.Open(parse.GetValue(input)!, new VolumeOpenOptions { DatasetPath = parse.GetValue(dataset) });
            var info = reader.Info;
            if (parse.GetValue(json))
            {
                var obj = new JsonObject
                {
                    ["path"] = info.Path,
                    ["format"] = info.Format.Name(),
                    ["dataset"] = info.DatasetPath,
                    ["shape"] = new JsonArray(info.Shape.Z, info.Shape.Y, info.Shape.X),
                    ["dtype"] = info.VoxelType.NumpyName(),
                    ["byte_order"] = info.ByteOrder == ByteOrder.Little ? "little" : "big",
                    ["bytes"] = info.TotalBytes,
                };
                Console.WriteLine(obj.ToJsonString());
            }
            else
            {
                Console.WriteLine($"{info.Path}: {info.Format.Name()}{(info.DatasetPath is null ? "" : " " + info.DatasetPath)}, shape (z,y,x) {info.Shape}, {info.VoxelType.NumpyName()} {(info.ByteOrder == ByteOrder.Little ? "little" : "big")}-endian, {CommonOptions.Bytes(info.TotalBytes)} of voxels");
            }
            return CliErrors.Ok;
        });
        return command;
    }
}
