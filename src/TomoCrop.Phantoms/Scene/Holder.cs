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

    /// <summary>Density at squared distance <paramref name="r2"/> from the axis and height <paramref name="h"/> above the bottom.</summary>
    private float Density(double r2, double h)
    {
        if (r2 >= _outer2)
        {
            return 0;
        }
        if (Inside(r2, h, _inner2, InnerRadius))
        {
            return BelowLevel(r2, h) ? MediumDensity : 0;
        }
        return Inside(r2, h, _outer2, OuterRadius) ? WallDensity : 0;
    }

    public void FillRow(double y, double z, int x0, Span<float> row)
    {
        var dy = y - AxisY;
        var dy2 = dy * dy;
        var h = Height(z);
        for (var i = 0; i < row.Length; i++)
        {
            var dx = x0 + i - AxisX;
            row[i] = Density(dx * dx + dy2, h);
        }
    }

    /// <summary>
    /// The parallel projection of slice <paramref name="z"/> of the holder, the same at every angle because the holder is
    /// rotationally symmetric: the radial profile is piecewise constant, so the projection is an exact sum of disk chords
    /// (a pixelated projection reused for every angle would turn its aliasing into rings). Bin d sits at
    /// <paramref name="firstBin"/> + d from the axis. Smoothed by the footprint of a voxel, like projected voxels.
    /// </summary>
    public void Project(double z, Span<float> projection, double firstBin, Span<float> scratch)
    {
        var h = Height(z);
        const double step = 1.0 / 16;
        Span<(double Radius, double Drop)> edges = stackalloc (double, double)[64];
        var count = 0;
        double previous = Density(0, h);
        for (var k = 1; k * step <= OuterRadius + 1 && count < edges.Length; k++)
        {
            var r = k * step;
            double value = Density(r * r, h);
            if (value != previous)
            {
                edges[count++] = (r - step / 2, previous - value);
                previous = value;
            }
        }
        for (var d = 0; d < projection.Length; d++)
        {
            var t = firstBin + d;
            double sum = 0;
            for (var e = 0; e < count; e++)
            {
                var (radius, drop) = edges[e];
                var chord = radius * radius - t * t;
                if (chord > 0)
                {
                    sum += drop * 2 * Math.Sqrt(chord);
                }
            }
            scratch[d] = (float)sum;
        }
        var last = projection.Length - 1;
        for (var d = 0; d <= last; d++)
        {
            projection[d] = 0.25f * scratch[Math.Max(d - 1, 0)] + 0.5f * scratch[d] + 0.25f * scratch[Math.Min(d + 1, last)];
        }
    }
}
