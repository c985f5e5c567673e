namespace TomoCrop.Phantoms.Scene;

/// <summary>
/// Smooth deterministic 3-D textures evaluated point by point (no volume-sized tables): value noise for
/// tissue density fluctuations and cellular (Worley) noise for cell boundaries.
/// </summary>
internal static class Noise
{
    private static float Hash(int x, int y, int z, uint seed)
    {
        var h = (uint)x * 0x8DA6B343u ^ (uint)y * 0xD8163841u ^ (uint)z * 0xCB1AB31Fu ^ seed * 0x9E3779B9u;
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        h *= 0x297A2D39u;
        h ^= h >> 15;
        return (h & 0xFFFFFF) * (1f / 0xFFFFFF);
    }

    private static float Smooth(float t) => t * t * (3 - 2 * t);

    /// <summary>Value noise in [-1, 1] with unit lattice spacing.</summary>
    public static float Value(double x, double y, double z, uint seed)
    {
        var fx = Math.Floor(x);
        var fy = Math.Floor(y);
        var fz = Math.Floor(z);
        int ix = (int)fx, iy = (int)fy, iz = (int)fz;
        float tx = Smooth((float)(x - fx)), ty = Smooth((float)(y - fy)), tz = Smooth((float)(z - fz));
        float Lerp(float a, float b, float t) => a + (b - a) * t;
        var c00 = Lerp(Hash(ix, iy, iz, seed), Hash(ix + 1, iy, iz, seed), tx);
        var c10 = Lerp(Hash(ix, iy + 1, iz, seed), Hash(ix + 1, iy + 1, iz, seed), tx);
        var c01 = Lerp(Hash(ix, iy, iz + 1, seed), Hash(ix + 1, iy, iz + 1, seed), tx);
        var c11 = Lerp(Hash(ix, iy + 1, iz + 1, seed), Hash(ix + 1, iy + 1, iz + 1, seed), tx);
        return 2 * Lerp(Lerp(c00, c10, ty), Lerp(c01, c11, ty), tz) - 1;
    }

    /// <summary>Two octaves of value noise, roughly in [-1, 1].</summary>
    public static float Fractal(double x, double y, double z, uint seed) =>
        0.67f * Value(x, y, z, seed) + 0.33f * Value(2.03 * x + 17.1, 2.03 * y - 5.3, 2.03 * z + 9.7, seed + 101);

    /// <summary>
    /// Distance from the boundary between the two nearest jittered lattice points (F2 - F1), in lattice
    /// units: near 0 on a cell wall, larger inside a cell. <paramref name="cellId"/> identifies the cell.
    /// </summary>
    public static float CellWall(double x, double y, double z, uint seed, out float cellId)
    {
        var fx = Math.Floor(x);
        var fy = Math.Floor(y);
        var fz = Math.Floor(z);
        int ix = (int)fx, iy = (int)fy, iz = (int)fz;
        float px = (float)(x - fx), py = (float)(y - fy), pz = (float)(z - fz);
        var d1 = float.MaxValue;
        var d2 = float.MaxValue;
        cellId = 0;
        for (var dz = -1; dz <= 1; dz++)
        for (var dy = -1; dy <= 1; dy++)
        for (var dx = -1; dx <= 1; dx++)
        {
            int cx = ix + dx, cy = iy + dy, cz = iz + dz;
            var ox = dx + 0.15f + 0.7f * Hash(cx, cy, cz, seed) - px;
            var oy = dy + 0.15f + 0.7f * Hash(cx, cy, cz, seed + 1) - py;
            var oz = dz + 0.15f + 0.7f * Hash(cx, cy, cz, seed + 2) - pz;
            var d = ox * ox + oy * oy + oz * oz;
            if (d < d1)
            {
                d2 = d1;
                d1 = d;
                cellId = Hash(cx, cy, cz, seed + 3);
            }
            else if (d < d2)
            {
                d2 = d;
            }
        }
        return MathF.Sqrt(d2) - MathF.Sqrt(d1);
    }
}
