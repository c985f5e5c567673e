using System.Globalization;
using TomoCrop.Volumes;

namespace TomoCrop.Cli.Commands;

internal static class ShapeParsing
{
    /// <summary>"256" (a cube) or "200,256,300" (z,y,x).</summary>
    public static VolumeShape Parse(string text)
    {
        var parts = text.Split(',', 'x');
        var dims = parts.Select(p => int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var d) && d > 0 ? d
            : throw new FormatException($"--shape '{text}' must be N or Z,Y,X with positive integers")).ToArray();
        return dims.Length switch
        {
            1 => new VolumeShape(dims[0], dims[0], dims[0]),
            3 => new VolumeShape(dims[0], dims[1], dims[2]),
            _ => throw new FormatException($"--shape '{text}' must be N or Z,Y,X"),
        };
    }

    public static VoxelType ParseDtype(string text) =>
        VoxelTypeExtensions.TryParseNumpy(text, out var type, out _) ? type : throw new FormatException($"--dtype '{text}' is not a supported numpy dtype");
}
