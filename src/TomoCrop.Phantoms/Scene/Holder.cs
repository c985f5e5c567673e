namespace TomoCrop.Phantoms.Scene;

/// <summary>
/// A sample tube around the rotation axis (parallel to z): wall, embedding medium up to a level with a
/// meniscus, air above it, and optionally a flat or round bottom. Rotationally symmetric by construction.
/// A tube with no wall and a radius beyond the field of view models medium that fills the whole view.
/// </summary>
internal sealed class Holder
{
    private readonly double _inner2;
    private readonly double _outer2;

    public Holder(double axisX, double axisY, double innerRadius, double outerRadius, float wallDensity, float mediumDensity,
        double? bottomZ, int up, bool roundBottom, double? mediumLevel, double meniscus)
    {
        AxisX = axisX;
        AxisY = axisY;
        InnerRadius = innerRadius;
        OuterRadius = Math.Max(outerRadius, innerRadius);
        WallDensity = wallDensity;
        MediumDensity = mediumDensity;
        BottomZ = bottomZ;
        Up = up;
        RoundBottom = roundBottom;
        MediumLevel = mediumLevel;
        Meniscus = meniscus;
        _inner2 = innerRadius * innerRadius;
        _outer2 = OuterRadius * OuterRadius;
    }

    public double AxisX { get; }

    public double AxisY { get; }

    public double InnerRadius { get; }

    public double OuterRadius { get; }

    public float WallDensity { get; }

    public float MediumDensity { get; }

    /// <summary>z of the innermost point of the bottom; null when the bottom is out of view.</summary>
    public double? BottomZ { get; }

    /// <summary>+1 when the tube opens towards increasing z from its bottom, -1 otherwise.</summary>
    public int Up { get; }

    public bool RoundBottom { get; }

    /// <summary>Height of the medium surface above the bottom (at the axis); null = medium beyond the view.</summary>
    public double? MediumLevel { get; }

    /// <summary>How much higher the medium climbs at the wall than at the axis.</summary>
    public double Meniscus { get; }

    /// <summary>Height above the bottom; far above when the bottom is out of view.</summary>
    public double Height(double z) => BottomZ is { } b ? (z - b) * Up : 1e9;

    /// <summary>Whether a point at height <paramref name="h"/> and squared radius <paramref name="r2"/> is in the medium.</summary>
    public bool InMedium(double r2, double h) => Inside(r2, h, _inner2, InnerRadius) && BelowLevel(r2, h);

    private bool BelowLevel(double r2, double h) => MediumLevel is not { } level || h < level + Meniscus * r2 / _inner2;

    private bool Inside(double r2, double h, double radius2, double radius)
    {
        if (r2 >= radius2)
        {
            return false;
        }
        if (BottomZ is null)
        {
            return true;
        }
        if (RoundBottom)
        {
            // Hemispherical bottom: both surfaces are spheres centred one inner radius above the bottom.
            var d = InnerRadius - h;
            return h >= InnerRadius || r2 + d * d < radius2;
        }
        return h >= InnerRadius - radius;
    }

    public void FillRow(double y, double z, int x0, Span<float> row)
    {
        var dy = y - AxisY;
        var dy2 = dy * dy;
        var h = Height(z);
        for (var i = 0; i < row.Length; i++)
        {
            var dx = x0 + i - AxisX;
            var r2 = dx * dx + dy2;
            if (r2 >= _outer2)
            {
                row[i] = 0;
            }
            else if (Inside(r2, h, _inner2, InnerRadius))
            {
                row[i] = BelowLevel(r2, h) ? MediumDensity : 0;
            }
            else
            {
                row[i] = Inside(r2, h, _outer2, OuterRadius) ? WallDensity : 0;
            }
        }
    }
}
