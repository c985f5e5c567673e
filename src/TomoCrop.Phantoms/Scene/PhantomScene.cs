using TomoCrop.Volumes;

namespace TomoCrop.Phantoms.Scene;

/// <summary>
/// The analytic scene of one phantom: holder, bubbles and specimen in voxel coordinates (voxel (z, y, x) has its
/// centre at the point (x, y, z)); the rotation axis runs through the middle of every slice.
/// </summary>
internal sealed class PhantomScene
{
    private PhantomScene(VolumeShape shape, Holder? holder, IReadOnlyList<Ellipsoid> bubbles, Specimen? specimen)
    {
        Shape = shape;
        // Weak contrast pulls tissue towards what surrounds it: the medium in a holder, air without one.
        Surroundings = holder?.MediumDensity ?? 0f;
        Holder = holder;
        Bubbles = bubbles;
        Specimen = specimen;
        AxisX = (shape.X - 1) / 2.0;
        AxisY = (shape.Y - 1) / 2.0;
        var reach = 0.0;
        if (holder is not null)
        {
            reach = holder.OuterRadius;
        }
        if (specimen is not null)
        {
            reach = Math.Max(reach, Math.Sqrt(Math.Pow(specimen.Centre.X - AxisX, 2) + Math.Pow(specimen.Centre.Y - AxisY, 2)) + specimen.LateralRadius);
        }
        LateralReach = reach;
    }

    public VolumeShape Shape { get; }

    public Holder? Holder { get; }

    public IReadOnlyList<Ellipsoid> Bubbles { get; }

    public Specimen? Specimen { get; }

    public double AxisX { get; }

    /// <summary>Density the specimen's tissue is pulled towards by <see cref="PhantomSpec.SpecimenContrast"/>.</summary>
    public float Surroundings { get; }

    public float Contrast { get; private init; } = 1f;

    public double AxisY { get; }

    /// <summary>Largest distance from the axis at which anything attenuates (for the projection grid).</summary>
    public double LateralReach { get; }

    /// <summary>Dense parts (mineral grains, otoliths) that cause streaks.</summary>
    public IEnumerable<Ellipsoid> DenseParts => Specimen?.Parts.Where(p => p.Material.Base > DenseBase) ?? [];

    private const float DenseBase = 1.5f;

    public static PhantomScene Create(PhantomSpec spec)
    {
        var rng = Rng.Derive(spec.Seed, purpose: 1, index: 0);
        var layout = new Layout(spec, ref rng);
        var scene = layout.Build(ref rng);
        return spec.SpecimenContrast == 1.0 ? scene
            : new PhantomScene(scene.Shape, scene.Holder, scene.Bubbles, scene.Specimen) { Contrast = (float)spec.SpecimenContrast };
    }

    /// <summary>
    /// Paints the ideal density of slice <paramref name="z"/> over the rectangle starting at (y0, x0) and, when
    /// <paramref name="mask"/> is not empty, marks the voxels whose centres lie inside the specimen.
    /// When <paramref name="holderOnly"/> is not empty it receives the rotationally symmetric part (holder and medium)
    /// alone. Returns the rectangle (rows, columns, inclusive, relative to the origin) where anything else was painted.
    /// </summary>
    public (int RowMin, int RowMax, int ColMin, int ColMax) RenderSlice(int z, int y0, int x0, int height, int width,
        Span<float> density, Span<byte> mask, Span<float> holderOnly = default)
    {
        int rowMin = int.MaxValue, rowMax = -1, colMin = int.MaxValue, colMax = -1;
        void Painted(int row, int first, int last)
        {
            rowMin = Math.Min(rowMin, row);
            rowMax = Math.Max(rowMax, row);
            colMin = Math.Min(colMin, first);
            colMax = Math.Max(colMax, last);
        }
        density[..(height * width)].Clear();
        if (!mask.IsEmpty)
        {
            mask[..(height * width)].Clear();
        }
        var parts = Specimen?.Parts.Where(p => p.MayTouchSlice(z)).ToArray() ?? [];
        var bubbles = Bubbles.Where(b => b.MayTouchSlice(z)).ToArray();
        for (var j = 0; j < height; j++)
        {
            var y = y0 + j;
            var row = density.Slice(j * width, width);
            Holder?.FillRow(y, z, x0, row);
            if (!holderOnly.IsEmpty)
            {
                row.CopyTo(holderOnly.Slice(j * width, width));
            }
            foreach (var bubble in bubbles)
            {
                if (bubble.MayTouchRow(y, z) && Clip(bubble, y, z, x0, width, out var first, out var last))
                {
                    row[(first - x0)..(last - x0 + 1)].Fill(bubble.Material.Base);
                    Painted(j, first - x0, last - x0);
                }
            }
            foreach (var part in parts)
            {
                if (!part.MayTouchRow(y, z) || !Clip(part, y, z, x0, width, out var first, out var last))
                {
                    continue;
                }
                var material = part.Material;
                if (material.IsTextured)
                {
                    var (start, step) = Specimen!.TextureRow(first, y, z);
                    for (var x = first; x <= last; x++)
                    {
                        var k = x - first;
                        row[x - x0] = material.Evaluate(start.X + k * step.X, start.Y + k * step.Y, start.Z + k * step.Z);
                    }
                }
                else
                {
                    row[(first - x0)..(last - x0 + 1)].Fill(material.Base);
                }
                if (Contrast != 1f && material.Base <= DenseBase)
                {
                    foreach (ref var v in row[(first - x0)..(last - x0 + 1)])
                    {
                        v = Surroundings + (Contrast * (v - Surroundings));
                    }
                }
                if (!mask.IsEmpty)
                {
                    mask.Slice(j * width + first - x0, last - first + 1).Fill(1);
                }
                Painted(j, first - x0, last - x0);
            }
        }
        return (rowMin, rowMax, colMin, colMax);
    }

    private static bool Clip(Ellipsoid e, double y, double z, int x0, int width, out int first, out int last)
    {
        if (!e.RowInterval(y, z, out first, out last))
        {
            return false;
        }
        first = Math.Max(first, x0);
        last = Math.Min(last, x0 + width - 1);
        return first <= last;
    }

    /// <summary>Random scene layout per variant; all randomness comes from one seeded stream, in a fixed order.</summary>
    private sealed class Layout
    {
        private readonly PhantomSpec _spec;
        private readonly VolumeShape _shape;
        private readonly double _lateral;
        private readonly double _detector;
        private readonly double _axisX;
        private readonly double _axisY;
        private readonly float _medium;

        public Layout(PhantomSpec spec, ref Rng rng)
        {
            _spec = spec;
            _shape = spec.Shape;
            _lateral = Math.Min(_shape.Y, _shape.X);
            _detector = Math.Max(_shape.Y, _shape.X);
            _axisX = (_shape.X - 1) / 2.0;
            _axisY = (_shape.Y - 1) / 2.0;
            // Agarose/water ~0.2, ethanol a little less.
            _medium = rng.Chance(0.7) ? (float)rng.Uniform(0.19, 0.22) : (float)rng.Uniform(0.16, 0.18);
        }

        public PhantomScene Build(ref Rng rng) => _spec.Variant switch
        {
            PhantomVariant.Standard => Standard(ref rng),
            PhantomVariant.HolderOnly => HolderOnly(ref rng),
            PhantomVariant.FillsView => FillsView(ref rng),
            PhantomVariant.OutOfView => OutOfView(ref rng),
            PhantomVariant.NoHolder => NoHolder(ref rng),
            PhantomVariant.TouchingWall => TouchingWall(ref rng),
            _ => throw new ArgumentOutOfRangeException(nameof(_spec.Variant)),
        };

        private (int Min, int Max) SizeRange()
        {
            if (_spec.SpecimenSize is { } size)
            {
                return size;
            }
            var min = Math.Max(6, (int)(0.3 * _lateral));
            return (min, Math.Max(min, (int)(0.65 * _lateral)));
        }

        private SpecimenModels.Model Model(ref Rng rng) => SpecimenModels.Build(_spec.Kind, ref rng);

        private double WallThickness(ref Rng rng) => Math.Max(1.5, rng.Uniform(0.015, 0.035) * _lateral);

        private float WallDensity(ref Rng rng) => rng.Chance(0.6) ? (float)rng.Uniform(0.45, 0.7) : (float)rng.Uniform(0.24, 0.3);

        /// <summary>A random orientation and size that fits a lateral radius and the volume's height (shrinking if needed).</summary>
        private Specimen Fit(SpecimenModels.Model model, ref Rng rng, double maxLateral, double maxHeight)
        {
            var (min, max) = SizeRange();
            var scale = rng.Uniform(min, max);
            Specimen? best = null;
            for (var attempt = 0; attempt < 200; attempt++)
            {
                if (attempt > 0 && attempt % 10 == 0)
                {
                    scale *= 0.93;
                }
                var candidate = new Specimen(model, Rotation.Random(ref rng), scale, new Vec3(_axisX, _axisY, (_shape.Z - 1) / 2.0));
                if (candidate.LateralRadius <= maxLateral && candidate.High.Z - candidate.Low.Z <= maxHeight)
                {
                    return candidate;
                }
                best = candidate;
            }
            return best!;
        }

        private Vec3 RandomLateralOffset(ref Rng rng, double maxDistance)
        {
            var angle = rng.Uniform(0, 2 * Math.PI);
            var distance = Math.Max(0, maxDistance) * Math.Sqrt(rng.NextDouble());
            return new Vec3(distance * Math.Cos(angle), distance * Math.Sin(angle), 0);
        }

        private double RandomCentreZ(ref Rng rng, Specimen s)
        {
            var half = (s.High.Z - s.Low.Z) / 2;
            var offset = s.Centre.Z - (s.High.Z + s.Low.Z) / 2;
            var low = half + 2;
            var high = _shape.Z - 1 - half - 2;
            return (high > low ? rng.Uniform(low, high) : (_shape.Z - 1) / 2.0) + offset;
        }

        private PhantomScene Standard(ref Rng rng)
        {
            var model = Model(ref rng);
            var wall = WallThickness(ref rng);
            var innerMax = 0.47 * _lateral - wall;
            var specimen = Fit(model, ref rng, innerMax - 2, _shape.Z - 4);
            var inner = rng.Uniform(Math.Min(innerMax, Math.Max(specimen.LateralRadius + 2, 0.6 * innerMax)), innerMax);
            inner = Math.Max(inner, specimen.LateralRadius + 1);
            var offset = RandomLateralOffset(ref rng, inner - specimen.LateralRadius - 1.5);
            specimen = specimen.MovedTo(new Vec3(_axisX + offset.X, _axisY + offset.Y, RandomCentreZ(ref rng, specimen)));
            var holder = Tube(ref rng, inner, wall, specimen);
            return new PhantomScene(_shape, holder, Bubbles(ref rng, holder, specimen, rng.Next(0, 9)), specimen);
        }

        /// <summary>
        /// Standard, but the specimen leans on the tube: the inner radius is the specimen's exact reach from the axis
        /// plus 0.3 voxels, so tissue and wall share a voxel boundary (holder suppression must not eat the specimen).
        /// </summary>
        private PhantomScene TouchingWall(ref Rng rng)
        {
            var model = Model(ref rng);
            var wall = WallThickness(ref rng);
            var innerMax = 0.47 * _lateral - wall;
            var specimen = Fit(model, ref rng, innerMax - 2, _shape.Z - 4);
            var angle = rng.Uniform(0, 2 * Math.PI);
            var distance = rng.Uniform(0.4, 1.0) * Math.Max(0, innerMax - 1 - specimen.LateralRadius);
            specimen = specimen.MovedTo(new Vec3(_axisX + distance * Math.Cos(angle), _axisY + distance * Math.Sin(angle), RandomCentreZ(ref rng, specimen)));
            var inner = specimen.LateralReachFrom(_axisX, _axisY) + 0.3;
            var holder = Tube(ref rng, inner, wall, specimen);
            return new PhantomScene(_shape, holder, Bubbles(ref rng, holder, specimen, rng.Next(0, 9)), specimen);
        }

        private PhantomScene HolderOnly(ref Rng rng)
        {
            var wall = WallThickness(ref rng);
            var innerMax = 0.47 * _lateral - wall;
            var inner = rng.Uniform(0.5, 1.0) * innerMax;
            var holder = Tube(ref rng, inner, wall, specimen: null);
            return new PhantomScene(_shape, holder, Bubbles(ref rng, holder, null, rng.Next(1, 13)), null);
        }

        private PhantomScene NoHolder(ref Rng rng)
        {
            var model = Model(ref rng);
            var specimen = Fit(model, ref rng, 0.46 * _lateral, _shape.Z - 4);
            var offset = RandomLateralOffset(ref rng, 0.46 * _lateral - specimen.LateralRadius);
            specimen = specimen.MovedTo(new Vec3(_axisX + offset.X, _axisY + offset.Y, RandomCentreZ(ref rng, specimen)));
            var holder = rng.Chance(0.5) ? MediumEverywhere() : null;
            return new PhantomScene(_shape, holder, [], specimen);
        }

        private PhantomScene FillsView(ref Rng rng)
        {
            var model = Model(ref rng);
            var bulk = model.Parts[model.BulkIndex];
            var bulkRadius = Math.Min(bulk.Radii.X, Math.Min(bulk.Radii.Y, bulk.Radii.Z));
            var halfDiagonal = 0.5 * Math.Sqrt((double)_shape.Z * _shape.Z + (double)_shape.Y * _shape.Y + (double)_shape.X * _shape.X);
            var scale = rng.Uniform(0.95, 1.25) * halfDiagonal / bulkRadius;
            var middle = new Vec3(_axisX, _axisY, (_shape.Z - 1) / 2.0);
            var rotation = Rotation.Random(ref rng);
            var placed = new Specimen(model, rotation, scale, middle);
            // Put the bulkiest part on the middle of the volume, with a little jitter.
            var jitter = new Vec3(rng.Uniform(-0.05, 0.05) * _shape.X, rng.Uniform(-0.05, 0.05) * _shape.Y, rng.Uniform(-0.05, 0.05) * _shape.Z);
            var specimen = placed.MovedTo(middle - (placed.Bulk.Centre - middle) + jitter);
            return new PhantomScene(_shape, MediumEverywhere(), [], specimen);
        }

        private PhantomScene OutOfView(ref Rng rng)
        {
            var model = Model(ref rng);
            var (min, max) = SizeRange();
            var crossZ = rng.Chance(0.6);
            var crossLateral = !crossZ || rng.Chance(0.4);
            var specimen = new Specimen(model, Rotation.Random(ref rng), rng.Uniform(Math.Max(min, 0.45 * _lateral), Math.Max(max, 0.5 * _lateral)),
                new Vec3(_axisX, _axisY, (_shape.Z - 1) / 2.0));
            var half = new Vec3((specimen.High.X - specimen.Low.X) / 2, (specimen.High.Y - specimen.Low.Y) / 2, (specimen.High.Z - specimen.Low.Z) / 2);
            // Offsets from the specimen's centre to the middle of its bounding box.
            var skew = new Vec3(specimen.Centre.X - (specimen.High.X + specimen.Low.X) / 2,
                specimen.Centre.Y - (specimen.High.Y + specimen.Low.Y) / 2, specimen.Centre.Z - (specimen.High.Z + specimen.Low.Z) / 2);
            double CrossingCentre(double halfExtent, int size, ref Rng r)
            {
                // 20-70 % of the extent lies beyond the chosen border.
                var beyond = r.Uniform(0.2, 0.7) * 2 * halfExtent;
                return r.Chance(0.5) ? halfExtent - beyond : size - 1 - halfExtent + beyond;
            }
            var z = crossZ ? CrossingCentre(half.Z, _shape.Z, ref rng) + skew.Z : RandomCentreZ(ref rng, specimen);
            double x, y;
            if (crossLateral)
            {
                var alongX = rng.Chance(0.5);
                x = alongX ? CrossingCentre(half.X, _shape.X, ref rng) : _axisX + rng.Uniform(-0.2, 0.2) * _shape.X;
                y = alongX ? _axisY + rng.Uniform(-0.2, 0.2) * _shape.Y : CrossingCentre(half.Y, _shape.Y, ref rng);
                x += alongX ? skew.X : 0;
                y += alongX ? 0 : skew.Y;
            }
            else
            {
                var offset = RandomLateralOffset(ref rng, Math.Max(0, 0.4 * _lateral - specimen.LateralRadius));
                x = _axisX + offset.X;
                y = _axisY + offset.Y;
            }
            specimen = specimen.MovedTo(new Vec3(x, y, z));
            var reach = Math.Sqrt(Math.Pow(x - _axisX, 2) + Math.Pow(y - _axisY, 2)) + specimen.LateralRadius;
            Holder? holder;
            if (rng.Chance(0.6) && reach + 2 < 0.95 * _detector)
            {
                // A tube wider than the field of view (local tomography): its wall lies at or beyond the border.
                var inner = rng.Uniform(reach + 2, Math.Max(reach + 3, 0.95 * _detector));
                holder = new Holder(_axisX, _axisY, inner, inner + WallThickness(ref rng), WallDensity(ref rng), _medium, null, 1, false, null, 0);
            }
            else
            {
                holder = rng.Chance(0.5) ? MediumEverywhere() : null;
            }
            return new PhantomScene(_shape, holder, [], specimen);
        }

        /// <summary>Medium beyond the field of view (a wide container), no visible wall.</summary>
        private Holder MediumEverywhere()
        {
            var radius = 0.75 * _detector;
            return new Holder(_axisX, _axisY, radius, radius, 0, _medium, null, 1, false, null, 0);
        }

        private Holder Tube(ref Rng rng, double inner, double wall, Specimen? specimen)
        {
            var up = rng.Chance(0.5) ? 1 : -1;
            var round = rng.Chance(0.6);
            // Lowest and highest specimen heights along the tube (in z), or a random span for an empty tube.
            double low, high;
            if (specimen is not null)
            {
                (low, high) = up > 0 ? (specimen.Low.Z, specimen.High.Z) : (specimen.High.Z, specimen.Low.Z);
            }
            else
            {
                var a = rng.Uniform(0.2, 0.8) * _shape.Z;
                (low, high) = (a, a);
            }
            double? bottom = null;
            if (rng.Chance(0.4))
            {
                var gap = rng.Uniform(1, Math.Max(2, 0.15 * _shape.Z)) + (round ? inner : 0);
                bottom = low - up * gap;
            }
            double? level = null;
            var meniscus = 0.0;
            if (rng.Chance(0.35))
            {
                var surface = high + up * rng.Uniform(2, Math.Max(3, 0.2 * _shape.Z));
                var baseZ = bottom ?? (up > 0 ? -1e6 : 1e6);
                level = (surface - baseZ) * up;
                meniscus = rng.Uniform(0, 0.08) * inner;
            }
            return new Holder(_axisX, _axisY, inner, inner + wall, WallDensity(ref rng), _medium,
                bottom ?? (up > 0 ? -1e6 : 1e6), up, round, level, meniscus);
        }

        private List<Ellipsoid> Bubbles(ref Rng rng, Holder holder, Specimen? specimen, int count)
        {
            var bubbles = new List<Ellipsoid>();
            var air = new Material(0f);
            for (var attempt = 0; attempt < 60 * count && bubbles.Count < count; attempt++)
            {
                var radius = Math.Max(1.2, rng.Uniform(0.01, 0.05) * _lateral);
                var room = holder.InnerRadius - radius - 1;
                if (room <= 0)
                {
                    break;
                }
                // Many bubbles cling to the wall.
                var distance = rng.Chance(0.4) ? room : room * Math.Sqrt(rng.NextDouble());
                var angle = rng.Uniform(0, 2 * Math.PI);
                var centre = new Vec3(_axisX + distance * Math.Cos(angle), _axisY + distance * Math.Sin(angle), rng.Uniform(0, _shape.Z - 1));
                var h = holder.Height(centre.Z);
                var clearOfBottom = holder.RoundBottom ? h - radius > holder.InnerRadius : h - radius > 0;
                var belowSurface = holder.MediumLevel is not { } level || h + radius < level;
                var clearOfSpecimen = specimen is null
                    || centre.X + radius < specimen.Low.X - 1 || centre.X - radius > specimen.High.X + 1
                    || centre.Y + radius < specimen.Low.Y - 1 || centre.Y - radius > specimen.High.Y + 1
                    || centre.Z + radius < specimen.Low.Z - 1 || centre.Z - radius > specimen.High.Z + 1;
                var clearOfOthers = bubbles.All(b => (b.Centre - centre).Length > b.MaxRadius + radius + 1);
                if (clearOfBottom && belowSurface && clearOfSpecimen && clearOfOthers)
                {
                    var squash = rng.Uniform(0.85, 1.0);
                    bubbles.Add(new Ellipsoid(centre, new Vec3(radius, radius, radius * squash), Rotation.Identity, air, isSpecimen: false));
                }
            }
            return bubbles;
        }
    }
}
