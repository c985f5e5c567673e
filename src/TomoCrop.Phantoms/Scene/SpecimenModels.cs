namespace TomoCrop.Phantoms.Scene;

/// <summary>
/// Organism-like specimens built from ellipsoids in a normalised frame: local x is the long (head-tail) axis,
/// z the dorsal direction, and the longest extent is scaled to exactly 1. Later ellipsoids paint over earlier
/// ones, so organs follow the body that contains them.
/// </summary>
internal static class SpecimenModels
{
    /// <summary>The ellipsoids, and the index of the bulkiest one (the part that fills the view when zoomed in).</summary>
    public sealed record Model(IReadOnlyList<LocalEllipsoid> Parts, int BulkIndex);

    public static Model Build(SpecimenKind kind, ref Rng rng)
    {
        var seed = (uint)rng.NextULong();
        var parts = kind switch
        {
            SpecimenKind.Embryo => Embryo(ref rng, seed),
            SpecimenKind.Fish => Fish(ref rng, seed),
            SpecimenKind.Cells => Cells(ref rng, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var bulk = 0;
        for (var i = 1; i < parts.Count; i++)
        {
            if (MinRadius(parts[i]) > MinRadius(parts[bulk]))
            {
                bulk = i;
            }
        }
        return new Model(Normalise(parts), bulk);
    }

    private static double MinRadius(LocalEllipsoid e) => Math.Min(e.Radii.X, Math.Min(e.Radii.Y, e.Radii.Z));

    private static LocalEllipsoid Sphere(double x, double y, double z, double r, Material m) =>
        new(new Vec3(x, y, z), new Vec3(r, r, r), Rotation.Identity, m);

    private static LocalEllipsoid Blob(double x, double y, double z, double rx, double ry, double rz, Material m) =>
        new(new Vec3(x, y, z), new Vec3(rx, ry, rz), Rotation.Identity, m);

    private static List<LocalEllipsoid> Embryo(ref Rng rng, uint seed)
    {
        var parts = new List<LocalEllipsoid>();
        var ry = rng.Uniform(0.3, 0.4);
        var rz = rng.Uniform(0.28, Math.Min(0.38, ry));
        var tissue = (float)rng.Uniform(0.3, 0.36);
        parts.Add(Blob(0, 0, 0, 0.5, ry, rz, new Material(tissue)
        {
            NoiseAmplitude = 0.025f, NoiseFrequency = 9, CellWallDepth = 0.08f, CellSize = (float)rng.Uniform(0.045, 0.065),
            CellVariation = 0.03f, Seed = seed,
        }));
        // Yolk mass: ventral and posterior, denser, with large yolky cells.
        parts.Add(Blob(-0.06, 0, -0.2 * rz, 0.33, 0.75 * ry, 0.62 * rz, new Material(tissue + (float)rng.Uniform(0.08, 0.14))
        {
            NoiseAmplitude = 0.03f, NoiseFrequency = 6, CellWallDepth = 0.11f, CellSize = (float)rng.Uniform(0.08, 0.11),
            CellVariation = 0.04f, Seed = seed + 11,
        }));
        // Gut cavity and brain ventricle: fluid, lighter.
        parts.Add(Blob(0.1, 0, -0.05 * rz, 0.17, 0.18 * ry, 0.14 * rz, new Material(0.22f) { NoiseAmplitude = 0.01f, Seed = seed + 2 }));
        parts.Add(Blob(0.3, 0, 0.35 * rz, 0.11, 0.16 * ry, 0.17 * rz, new Material(0.23f) { NoiseAmplitude = 0.01f, Seed = seed + 3 }));
        // Neural tube and notochord along the back, somites on both sides.
        parts.Add(Blob(-0.04, 0, 0.72 * rz, 0.36, 0.09 * ry, 0.1 * rz, new Material(tissue - 0.04f) { NoiseAmplitude = 0.015f, Seed = seed + 4 }));
        parts.Add(Blob(-0.06, 0, 0.52 * rz, 0.34, 0.07 * ry, 0.08 * rz, new Material(tissue + 0.08f) { NoiseAmplitude = 0.01f, Seed = seed + 5 }));
        var somites = rng.Next(7, 12);
        for (var i = 0; i < somites; i++)
        {
            var x = -0.32 + 0.46 * i / (somites - 1);
            foreach (var side in new[] { -1.0, 1.0 })
            {
                parts.Add(Blob(x, side * 0.3 * ry, 0.5 * rz, 0.45 * 0.46 / somites, 0.13 * ry, 0.18 * rz,
                    new Material(tissue + 0.05f) { NoiseAmplitude = 0.015f, Seed = seed + 6 }));
            }
        }
        // Eyes: a dense pigmented retina cup, vitreous, and a dense lens facing outwards.
        var eyeRadius = rng.Uniform(0.065, 0.085);
        foreach (var side in new[] { -1.0, 1.0 })
        {
            var ey = side * (ry - eyeRadius * 0.9);
            parts.Add(Sphere(0.32, ey, 0.15 * rz, eyeRadius, new Material(0.52f) { NoiseAmplitude = 0.02f, Seed = seed + 8 }));
            parts.Add(Sphere(0.32, ey + side * 0.2 * eyeRadius, 0.15 * rz, 0.72 * eyeRadius, new Material(0.29f) { NoiseAmplitude = 0.01f, Seed = seed + 9 }));
            parts.Add(Sphere(0.32, ey + side * 0.55 * eyeRadius, 0.15 * rz, 0.38 * eyeRadius, new Material(0.6f)));
        }
        // Cement gland at the front, and occasionally a dense mineral grain (a source of streaks).
        parts.Add(Blob(0.45, 0, -0.35 * rz, 0.04, 0.12 * ry, 0.1 * rz, new Material(0.46f) { NoiseAmplitude = 0.02f, Seed = seed + 10 }));
        var grains = rng.Next(0, 3);
        for (var i = 0; i < grains; i++)
        {
            parts.Add(Sphere(rng.Uniform(-0.3, 0.2), rng.Uniform(-0.4, 0.4) * ry, rng.Uniform(-0.4, 0.2) * rz, rng.Uniform(0.006, 0.012),
                new Material((float)rng.Uniform(2.0, 3.5))));
        }
        return parts;
    }

    private static List<LocalEllipsoid> Fish(ref Rng rng, uint seed)
    {
        var parts = new List<LocalEllipsoid>();
        var tissue = (float)rng.Uniform(0.28, 0.33);
        var height = rng.Uniform(0.085, 0.11);
        var width = height * rng.Uniform(0.7, 0.85);
        var muscle = new Material(tissue)
        {
            NoiseAmplitude = 0.02f, NoiseFrequency = 14, BandAmplitude = -0.035f, BandPeriod = (float)rng.Uniform(0.025, 0.035), Seed = seed,
        };
        // Fins first: the body paints over their roots.
        var fin = new Material(tissue - 0.03f) { NoiseAmplitude = 0.01f, NoiseFrequency = 30, Seed = seed + 1 };
        parts.Add(Blob(-0.43, 0, 0, 0.07, 0.006, 0.06, fin));
        parts.Add(Blob(-0.16, 0, height * 0.9, 0.11, 0.005, 0.03, fin));
        parts.Add(Blob(-0.14, 0, -height * 0.85, 0.1, 0.005, 0.025, fin));
        foreach (var side in new[] { -1.0, 1.0 })
        {
            var tilt = Rotation.AboutAxis(new Vec3(0, 0, 1), side * 0.5);
            parts.Add(new LocalEllipsoid(new Vec3(0.2, side * width * 1.15, -height * 0.25), new Vec3(0.045, 0.008, 0.028), tilt, fin));
        }
        // Trunk: a chain of ellipsoids tapering towards the tail.
        const int segments = 14;
        for (var i = 0; i < segments; i++)
        {
            var t = (double)i / (segments - 1);
            var x = 0.28 - 0.68 * t;
            var taper = 1 - 0.75 * t;
            parts.Add(Blob(x, 0, 0, 0.06, width * taper, height * taper, muscle));
        }
        // Head with brain, eyes and otoliths.
        var head = new Material(tissue + 0.02f) { NoiseAmplitude = 0.02f, NoiseFrequency = 12, Seed = seed + 2 };
        parts.Add(Blob(0.37, 0, 0.0, 0.13, width * 1.25, height * 1.05, head));
        parts.Add(Blob(0.36, 0, height * 0.35, 0.08, width * 0.5, height * 0.4, new Material(tissue - 0.04f) { NoiseAmplitude = 0.015f, Seed = seed + 3 }));
        var eye = height * rng.Uniform(0.55, 0.7);
        foreach (var side in new[] { -1.0, 1.0 })
        {
            var ey = side * (width * 1.25 - eye * 0.5);
            parts.Add(Sphere(0.41, ey, height * 0.1, eye, new Material(0.5f) { NoiseAmplitude = 0.02f, Seed = seed + 4 }));
            parts.Add(Sphere(0.41, ey + side * 0.25 * eye, height * 0.1, 0.7 * eye, new Material(0.3f)));
            parts.Add(Sphere(0.41, ey + side * 0.6 * eye, height * 0.1, 0.35 * eye, new Material(0.62f)));
            parts.Add(Sphere(0.31, side * width * 0.45, -height * 0.1, 0.008, new Material((float)rng.Uniform(2.2, 3.2))));
        }
        // Gut and yolk below, the swim bladder (gas) between gut and spine.
        parts.Add(Blob(0.13, 0, -height * 0.45, 0.12, width * 0.6, height * 0.4, new Material(tissue + 0.08f) { NoiseAmplitude = 0.03f, NoiseFrequency = 20, Seed = seed + 5 }));
        parts.Add(Blob(0.07, 0, -height * 0.05, 0.065, width * 0.45, height * 0.33, new Material(0.02f)));
        // Spine: a chain of dense vertebrae just dorsal of the body's axis.
        var vertebrae = rng.Next(18, 26);
        for (var i = 0; i < vertebrae; i++)
        {
            var t = (double)i / (vertebrae - 1);
            var x = 0.26 - 0.66 * t;
            var r = height * (0.2 - 0.12 * t);
            var spacing = 0.66 / (vertebrae - 1);
            parts.Add(Blob(x, 0, height * (0.3 - 0.25 * t), spacing * 0.4, r, r, new Material(0.72f) { NoiseAmplitude = 0.04f, NoiseFrequency = 40, Seed = seed + 6 }));
        }
        return parts;
    }

    private static List<LocalEllipsoid> Cells(ref Rng rng, uint seed)
    {
        var parts = new List<LocalEllipsoid>();
        var count = rng.Next(12, 36);
        var region = new Vec3(0.5, rng.Uniform(0.3, 0.45), rng.Uniform(0.25, 0.4));
        var centres = new List<(Vec3 Centre, double Radius)>();
        for (var attempt = 0; attempt < 4000 && centres.Count < count; attempt++)
        {
            var c = new Vec3(rng.Uniform(-1, 1) * region.X, rng.Uniform(-1, 1) * region.Y, rng.Uniform(-1, 1) * region.Z);
            if (Math.Pow(c.X / region.X, 2) + Math.Pow(c.Y / region.Y, 2) + Math.Pow(c.Z / region.Z, 2) > 1)
            {
                continue;
            }
            var r = rng.Uniform(0.07, 0.13);
            // Cells touch and overlap a little, as in a cluster, but do not swallow each other.
            var crowded = centres.Any(o => (o.Centre - c).Length < 0.75 * (o.Radius + r));
            var connected = centres.Count == 0 || centres.Any(o => (o.Centre - c).Length < 1.05 * (o.Radius + r));
            if (!crowded && connected)
            {
                centres.Add((c, r));
            }
        }
        var index = 0u;
        foreach (var (centre, radius) in centres)
        {
            var orientation = Rotation.Random(ref rng);
            var radii = new Vec3(radius * rng.Uniform(0.85, 1.2), radius * rng.Uniform(0.8, 1.1), radius * rng.Uniform(0.75, 1.0));
            var cytoplasm = new Material((float)rng.Uniform(0.27, 0.34)) { NoiseAmplitude = 0.025f, NoiseFrequency = 25, Seed = seed + index++ };
            parts.Add(new LocalEllipsoid(centre, radii, orientation, cytoplasm));
        }
        foreach (var (centre, radius) in centres)
        {
            var offset = new Vec3(rng.Uniform(-0.25, 0.25), rng.Uniform(-0.25, 0.25), rng.Uniform(-0.25, 0.25)) * radius;
            var nucleus = radius * rng.Uniform(0.35, 0.5);
            var n = centre + offset;
            parts.Add(new LocalEllipsoid(n, new Vec3(nucleus * 1.15, nucleus, nucleus * 0.9), Rotation.Random(ref rng),
                new Material((float)rng.Uniform(0.43, 0.52)) { NoiseAmplitude = 0.03f, NoiseFrequency = 60, Seed = seed + index++ }));
            parts.Add(Sphere(n.X + nucleus * 0.3, n.Y, n.Z, nucleus * 0.3, new Material(0.6f)));
            if (rng.Chance(0.3))
            {
                var v = centre - offset * 1.4;
                parts.Add(Sphere(v.X, v.Y, v.Z, radius * 0.22, new Material(0.23f)));
            }
        }
        if (rng.Chance(0.5))
        {
            var (c, r) = centres[rng.Next(0, centres.Count)];
            parts.Add(Sphere(c.X + 0.3 * r, c.Y - 0.3 * r, c.Z, 0.012, new Material((float)rng.Uniform(2.0, 3.0))));
        }
        return parts;
    }

    /// <summary>Centres the parts on their bounding box and scales the longest extent to 1.</summary>
    private static List<LocalEllipsoid> Normalise(List<LocalEllipsoid> parts)
    {
        var low = new double[] { double.MaxValue, double.MaxValue, double.MaxValue };
        var high = new double[] { double.MinValue, double.MinValue, double.MinValue };
        foreach (var part in parts)
        {
            for (var axis = 0; axis < 3; axis++)
            {
                var half = Math.Sqrt(
                    Math.Pow(part.Orientation[axis, 0] * part.Radii.X, 2) +
                    Math.Pow(part.Orientation[axis, 1] * part.Radii.Y, 2) +
                    Math.Pow(part.Orientation[axis, 2] * part.Radii.Z, 2));
                low[axis] = Math.Min(low[axis], part.Centre[axis] - half);
                high[axis] = Math.Max(high[axis], part.Centre[axis] + half);
            }
        }
        var extent = Math.Max(high[0] - low[0], Math.Max(high[1] - low[1], high[2] - low[2]));
        var middle = new Vec3((low[0] + high[0]) / 2, (low[1] + high[1]) / 2, (low[2] + high[2]) / 2);
        return parts.Select(p => p with { Centre = (p.Centre - middle) * (1 / extent), Radii = p.Radii * (1 / extent) }).ToList();
    }
}
