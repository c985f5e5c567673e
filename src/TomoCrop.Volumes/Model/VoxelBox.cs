using System.Globalization;

namespace TomoCrop.Volumes;

/// <summary>An axis-aligned box of voxels: three half-open ranges in (z, y, x) order.</summary>
public readonly record struct VoxelBox(AxisRange Z, AxisRange Y, AxisRange X)
{
    public static VoxelBox Full(VolumeShape shape) => new(new(0, shape.Z), new(0, shape.Y), new(0, shape.X));

    public VolumeShape Shape => new(Z.Length, Y.Length, X.Length);

    public long VoxelCount => Shape.VoxelCount;

    public AxisRange this[int axis] => axis switch
    {
        0 => Z,
        1 => Y,
        2 => X,
        _ => throw new ArgumentOutOfRangeException(nameof(axis)),
    };

    public VoxelBox WithAxis(int axis, AxisRange range) => axis switch
    {
        0 => this with { Z = range },
        1 => this with { Y = range },
        2 => this with { X = range },
        _ => throw new ArgumentOutOfRangeException(nameof(axis)),
    };

    public bool IsEmpty => Z.IsEmpty || Y.IsEmpty || X.IsEmpty;

    public bool Contains(VoxelBox other) => Z.Contains(other.Z) && Y.Contains(other.Y) && X.Contains(other.X);

    /// <summary>True when the box is non-empty and lies wholly inside a volume of <paramref name="shape"/>.</summary>
    public bool FitsIn(VolumeShape shape) => !IsEmpty && Full(shape).Contains(this);

    /// <summary>[[z0,z1],[y0,y1],[x0,x1]], the layout of <c>box_zyx</c> in every JSON this tool writes.</summary>
    public int[][] ToJsonArray() => [[Z.Start, Z.Stop], [Y.Start, Y.Stop], [X.Start, X.Stop]];

    public static VoxelBox FromJsonArray(int[][] ranges)
    {
        if (ranges.Length != 3 || ranges.Any(r => r.Length != 2))
        {
            throw new FormatException("box_zyx must be [[z0,z1],[y0,y1],[x0,x1]]");
        }
        return new(new(ranges[0][0], ranges[0][1]), new(ranges[1][0], ranges[1][1]), new(ranges[2][0], ranges[2][1]));
    }

    /// <summary>Parses "z0:z1,y0:y1,x0:x1" (half-open; an empty bound means the volume's edge, e.g. ":,10:90,:").</summary>
    public static VoxelBox Parse(string text, VolumeShape shape)
    {
        var parts = text.Split(',');
        if (parts.Length != 3)
        {
            throw new FormatException($"box '{text}' must have three ranges z0:z1,y0:y1,x0:x1");
        }
        var ranges = new AxisRange[3];
        for (var axis = 0; axis < 3; axis++)
        {
            var bounds = parts[axis].Split(':');
            if (bounds.Length != 2)
            {
                throw new FormatException($"box range '{parts[axis]}' must be start:stop");
            }
            ranges[axis] = new AxisRange(ParseBound(bounds[0], 0), ParseBound(bounds[1], shape[axis]));
        }
        return new VoxelBox(ranges[0], ranges[1], ranges[2]);
    }

    private static int ParseBound(string text, int fallback)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"box bound '{text}' is not an integer");
        }
        return value;
    }

    public override string ToString() => $"{Z},{Y},{X}";
}
