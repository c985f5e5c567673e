namespace TomoCrop.Phantoms.Scene;

/// <summary>A point or direction in voxel space, ordered (x, y, z).</summary>
internal readonly record struct Vec3(double X, double Y, double Z)
{
    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vec3 operator *(Vec3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    public double Length => Math.Sqrt(X * X + Y * Y + Z * Z);

    public double this[int i] => i switch { 0 => X, 1 => Y, _ => Z };
}

/// <summary>A 3x3 rotation matrix (rows); columns are the rotated frame's axes in world coordinates.</summary>
internal readonly struct Rotation
{
    private readonly double[] _m;

    private Rotation(double[] m) => _m = m;

    public static Rotation Identity { get; } = new([1, 0, 0, 0, 1, 0, 0, 0, 1]);

    public double this[int row, int column] => _m[row * 3 + column];

    /// <summary>Uniformly distributed over all 3-D rotations (normalised Gaussian quaternion).</summary>
    public static Rotation Random(ref Rng rng)
    {
        double w, x, y, z, n;
        do
        {
            w = rng.Gaussian();
            x = rng.Gaussian();
            y = rng.Gaussian();
            z = rng.Gaussian();
            n = Math.Sqrt(w * w + x * x + y * y + z * z);
        }
        while (n < 1e-9);
        return FromQuaternion(w / n, x / n, y / n, z / n);
    }

    public static Rotation AboutAxis(Vec3 axis, double angle)
    {
        var n = axis.Length;
        var s = Math.Sin(angle / 2) / n;
        return FromQuaternion(Math.Cos(angle / 2), axis.X * s, axis.Y * s, axis.Z * s);
    }

    private static Rotation FromQuaternion(double w, double x, double y, double z) => new(
    [
        1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
        2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
    ]);

    public static Rotation operator *(Rotation a, Rotation b)
    {
        var m = new double[9];
        for (var r = 0; r < 3; r++)
        for (var c = 0; c < 3; c++)
        {
            m[r * 3 + c] = a[r, 0] * b[0, c] + a[r, 1] * b[1, c] + a[r, 2] * b[2, c];
        }
        return new Rotation(m);
    }

    public Vec3 Apply(Vec3 v) => new(
        this[0, 0] * v.X + this[0, 1] * v.Y + this[0, 2] * v.Z,
        this[1, 0] * v.X + this[1, 1] * v.Y + this[1, 2] * v.Z,
        this[2, 0] * v.X + this[2, 1] * v.Y + this[2, 2] * v.Z);

    /// <summary>The inverse rotation applied (transpose).</summary>
    public Vec3 ApplyInverse(Vec3 v) => new(
        this[0, 0] * v.X + this[1, 0] * v.Y + this[2, 0] * v.Z,
        this[0, 1] * v.X + this[1, 1] * v.Y + this[2, 1] * v.Z,
        this[0, 2] * v.X + this[1, 2] * v.Y + this[2, 2] * v.Z);
}
