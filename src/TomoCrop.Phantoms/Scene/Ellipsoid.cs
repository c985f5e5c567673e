namespace TomoCrop.Phantoms.Scene;

/// <summary>An ellipsoid in a specimen's normalised frame (longest specimen extent = 1).</summary>
internal sealed record LocalEllipsoid(Vec3 Centre, Vec3 Radii, Rotation Orientation, Material Material);

/// <summary>
/// An ellipsoid placed in voxel space. Membership of a row of voxel centres is solved exactly as an
/// interval (a quadratic in x), so the painted density and the ground-truth mask agree by construction.
/// </summary>
internal sealed class Ellipsoid
{
    // u = Q (p - centre); inside when |u|^2 <= 1. Rows of Q are the principal axes divided by the radii.
    private readonly double[] _q = new double[9];
    private readonly Rotation _axes;
    private readonly Vec3 _radii;

    public Ellipsoid(Vec3 centre, Vec3 radii, Rotation axes, Material material, bool isSpecimen)
    {
        Centre = centre;
        Material = material;
        IsSpecimen = isSpecimen;
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                _q[i * 3 + j] = axes[j, i] / radii[i];
            }
        }
        // Exact axis-aligned half extents of a rotated ellipsoid.
        double Half(int world) => Math.Sqrt(
            Math.Pow(axes[world, 0] * radii.X, 2) + Math.Pow(axes[world, 1] * radii.Y, 2) + Math.Pow(axes[world, 2] * radii.Z, 2));
        HalfExtent = new Vec3(Half(0), Half(1), Half(2));
        _axes = axes;
        _radii = radii;
        MaxRadius = Math.Max(radii.X, Math.Max(radii.Y, radii.Z));
    }

    public Vec3 Centre { get; }

    public Vec3 HalfExtent { get; }

    public double MaxRadius { get; }

    public Material Material { get; }

    public bool IsSpecimen { get; }

    /// <summary>Support function: the largest d·(p − centre) over points p of the ellipsoid, for a unit direction d.</summary>
    public double Support(Vec3 d)
    {
        double sum = 0;
        for (var i = 0; i < 3; i++)
        {
            var along = (d.X * _axes[0, i] + d.Y * _axes[1, i] + d.Z * _axes[2, i]) * _radii[i];
            sum += along * along;
        }
        return Math.Sqrt(sum);
    }

    public bool MayTouchSlice(double z) => Math.Abs(z - Centre.Z) <= HalfExtent.Z;

    public bool MayTouchRow(double y, double z) => Math.Abs(z - Centre.Z) <= HalfExtent.Z && Math.Abs(y - Centre.Y) <= HalfExtent.Y;

    /// <summary>
    /// The voxel centres x (integers) of row (y, z) inside the ellipsoid, as [first, last]; false when none.
    /// </summary>
    public bool RowInterval(double y, double z, out int first, out int last)
    {
        first = 0;
        last = -1;
        var dy = y - Centre.Y;
        var dz = z - Centre.Z;
        double a = 0, b = 0, c = -1;
        for (var i = 0; i < 3; i++)
        {
            var qx = _q[i * 3];
            var offset = _q[i * 3 + 1] * dy + _q[i * 3 + 2] * dz - qx * Centre.X;
            a += qx * qx;
            b += 2 * qx * offset;
            c += offset * offset;
        }
        var discriminant = b * b - 4 * a * c;
        if (discriminant < 0)
        {
            return false;
        }
        var root = Math.Sqrt(discriminant);
        var low = (-b - root) / (2 * a);
        var high = (-b + root) / (2 * a);
        var lo = Math.Ceiling(low);
        var hi = Math.Floor(high);
        if (hi < lo || hi < int.MinValue / 2 || lo > int.MaxValue / 2)
        {
            return false;
        }
        first = (int)Math.Max(lo, int.MinValue / 2);
        last = (int)Math.Min(hi, int.MaxValue / 2);
        return true;
    }
}
