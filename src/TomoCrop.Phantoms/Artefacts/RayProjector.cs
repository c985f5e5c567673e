using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TomoCrop.Phantoms.Artefacts;

/// <summary>
/// Ray-driven (Joseph) parallel projection of one rectangular image at any angle of a <see cref="ParallelBeam"/>:
/// each ray steps through the rows (or, for rays closer to horizontal, the columns) it crosses and interpolates
/// linearly within them. For a fixed row the rays of neighbouring detector bins sample it at evenly spaced points,
/// so eight bins are done at once with gathers and the detector row is written contiguously (no scattering).
/// The image is copied once, zero-padded and also transposed, so every angle reads rows.
/// </summary>
internal sealed class RayProjector : IDisposable
{
    private readonly float[] _rows;
    private readonly float[] _columns;
    private readonly int _height;
    private readonly int _width;
    private readonly double _originX;
    private readonly double _originY;

    /// <summary>Pixel (j, i) of <paramref name="image"/> sits at (originX + i, originY + j) relative to the rotation axis.</summary>
    public RayProjector(ReadOnlySpan<float> image, int height, int width, double originX, double originY)
    {
        _height = height;
        _width = width;
        _originX = originX;
        _originY = originY;
        // One zero sample before and after every row, so interpolation at the edges reads zeros without branches.
        _rows = ArrayPool<float>.Shared.Rent(height * (width + 2));
        _columns = ArrayPool<float>.Shared.Rent(width * (height + 2));
        for (var j = 0; j < height; j++)
        {
            var row = _rows.AsSpan(j * (width + 2), width + 2);
            row[0] = 0;
            row[^1] = 0;
            image.Slice(j * width, width).CopyTo(row[1..]);
        }
        for (var i = 0; i < width; i++)
        {
            var column = _columns.AsSpan(i * (height + 2), height + 2);
            column[0] = 0;
            column[^1] = 0;
            for (var j = 0; j < height; j++)
            {
                column[j + 1] = image[j * width + i];
            }
        }
    }

    /// <summary>Adds the line integrals of the image for one angle into <paramref name="projection"/> (one value per bin).</summary>
    public void Project(ParallelBeam beam, int angle, Span<float> projection)
    {
        var c = beam.Cos(angle);
        var s = beam.Sin(angle);
        // A ray of bin d is the line x c + y s = d - centre.
        if (Math.Abs(c) >= Math.Abs(s))
        {
            // Step through rows: in row y the ray crosses x = (t - y s) / c.
            Through(_rows, _height, _width, _originY, _originX, c, s, beam.DetectorCentre, projection);
        }
        else
        {
            // Step through columns: in column x the ray crosses y = (t - x c) / s.
            Through(_columns, _width, _height, _originX, _originY, s, c, beam.DetectorCentre, projection);
        }
    }

    private static unsafe void Through(float[] lines, int count, int length, double lineOrigin, double sampleOrigin,
        float along, float across, double centre, Span<float> projection)
    {
        var bins = projection.Length;
        var step = 1.0 / along;
        var weight = (float)Math.Abs(step);
        var stride = length + 2;
        fixed (float* basePointer = lines)
        fixed (float* target = projection)
        {
            for (var n = 0; n < count; n++)
            {
                // Padded position (1 = first sample) where the ray of bin 0 crosses line n; +step per bin.
                var start = (-centre - (lineOrigin + n) * across) * step - sampleOrigin + 1;
                // Bins whose crossing lies strictly inside (0, length + 1): the interpolation touches real samples.
                double first, last;
                if (step > 0)
                {
                    first = Math.Floor(-start / step) + 1;
                    last = Math.Ceiling((length + 1 - start) / step) - 1;
                }
                else
                {
                    first = Math.Floor((length + 1 - start) / step) + 1;
                    last = Math.Ceiling(-start / step) - 1;
                }
                var d = (int)Math.Max(first, 0);
                var end = (int)Math.Min(last, bins - 1);
                if (end < d)
                {
                    continue;
                }
                var line = basePointer + (long)n * stride;
                var highest = length + 0.999f;
                var stepF = (float)step;
                var startF = (float)start;
                if (Avx2.IsSupported)
                {
                    var lanes = Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f) * stepF;
                    var low = Vector256<float>.Zero;
                    var high = Vector256.Create(highest);
                    var w = Vector256.Create(weight);
                    for (; d + 7 <= end; d += 8)
                    {
                        var p = Avx.Min(Avx.Max(Vector256.Create(startF + d * stepF) + lanes, low), high);
                        var k = Avx.ConvertToVector256Int32WithTruncation(p);
                        var f = p - Avx.ConvertToVector256Single(k);
                        var v0 = Avx2.GatherVector256(line, k, 4);
                        var v1 = Avx2.GatherVector256(line + 1, k, 4);
                        Avx.Store(target + d, Avx.LoadVector256(target + d) + (v0 + f * (v1 - v0)) * w);
                    }
                }
                for (; d <= end; d++)
                {
                    var p = Math.Clamp(startF + d * stepF, 0f, highest);
                    var k = (int)p;
                    var f = p - k;
                    target[d] += (line[k] + f * (line[k + 1] - line[k])) * weight;
                }
            }
        }
    }

    public void Dispose()
    {
        ArrayPool<float>.Shared.Return(_rows);
        ArrayPool<float>.Shared.Return(_columns);
    }
}
