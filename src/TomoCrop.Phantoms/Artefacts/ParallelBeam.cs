using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TomoCrop.Phantoms.Artefacts;

/// <summary>
/// Parallel-beam geometry of one axial slice: a detector of <see cref="Bins"/> pixels centred on the rotation axis,
/// <see cref="Angles"/> projections over 180° (projected by <see cref="RayProjector"/>), ramp filtering
/// by FFT (Kak &amp; Slaney kernels), and back-projection whose inner loop is branch-free (filtered projections
/// are kept with guard samples) and uses AVX2 gathers where available.
/// Instances are immutable and shared by all threads.
/// </summary>
internal sealed class ParallelBeam
{
    private readonly float[] _cos;
    private readonly float[] _sin;
    private readonly float[] _filter;
    private readonly Fft _fft;

    public ParallelBeam(int bins, int angles, ReconstructionFilter filter)
    {
        Bins = bins;
        Angles = angles;
        _cos = new float[angles];
        _sin = new float[angles];
        for (var a = 0; a < angles; a++)
        {
            var theta = Math.PI * a / angles;
            _cos[a] = (float)Math.Cos(theta);
            _sin[a] = (float)Math.Sin(theta);
        }
        // Guard samples so every pixel of a square reconstruction (|t| <= N/sqrt 2) reads inside the array.
        Guard = (int)Math.Ceiling(0.21 * bins) + 3;
        FilteredLength = bins + 2 * Guard;
        var size = 2;
        while (size < 2 * FilteredLength)
        {
            size <<= 1;
        }
        _fft = new Fft(size);
        _filter = FilterResponse(size, filter, _fft);
    }

    public int Bins { get; }

    public int Angles { get; }

    public int Guard { get; }

    public int FilteredLength { get; }

    public int FftSize => _fft.Size;

    public float Cos(int angle) => _cos[angle];

    public float Sin(int angle) => _sin[angle];

    /// <summary>Detector coordinate of bin 0's centre is -(Bins-1)/2 relative to the axis.</summary>
    public double DetectorCentre => (Bins - 1) / 2.0;

    private static float[] FilterResponse(int size, ReconstructionFilter filter, Fft fft)
    {
        var re = new float[size];
        var im = new float[size];
        for (var i = 0; i < size; i++)
        {
            var n = i <= size / 2 ? i : i - size;
            re[i] = filter switch
            {
                ReconstructionFilter.SheppLogan => (float)(-2.0 / (Math.PI * Math.PI * (4.0 * n * n - 1))),
                _ => n == 0 ? 0.25f : (n % 2 == 0 ? 0f : (float)(-1.0 / (Math.PI * Math.PI * n * n))),
            };
        }
        fft.Transform(re, im, inverse: false);
        // The kernel is real and even, so its transform is real; fold in the 1/size of the inverse FFT.
        for (var i = 0; i < size; i++)
        {
            re[i] /= size;
        }
        return re;
    }

    /// <summary>Ramp-filters projections (rows of <see cref="Bins"/>) into rows of <see cref="FilteredLength"/> samples (guards included).</summary>
    public void Filter(ReadOnlySpan<float> projections, int count, Span<float> filtered, Span<float> re, Span<float> im)
    {
        var size = _fft.Size;
        for (var a = 0; a < count; a += 2)
        {
            re[..size].Clear();
            im[..size].Clear();
            projections.Slice(a * Bins, Bins).CopyTo(re);
            var paired = a + 1 < count;
            if (paired)
            {
                projections.Slice((a + 1) * Bins, Bins).CopyTo(im);
            }
            _fft.Transform(re[..size], im[..size], inverse: false);
            for (var i = 0; i < size; i++)
            {
                re[i] *= _filter[i];
                im[i] *= _filter[i];
            }
            _fft.Transform(re[..size], im[..size], inverse: true);
            Unwrap(re, filtered.Slice(a * FilteredLength, FilteredLength));
            if (paired)
            {
                Unwrap(im, filtered.Slice((a + 1) * FilteredLength, FilteredLength));
            }
        }
    }

    // Output sample g of a filtered row is detector position g - Guard; negative positions wrap to the end.
    private void Unwrap(ReadOnlySpan<float> circular, Span<float> row)
    {
        var size = _fft.Size;
        for (var g = 0; g < FilteredLength; g++)
        {
            var position = g - Guard;
            row[g] = circular[position >= 0 ? position : position + size];
        }
    }

    /// <summary>Samples per detector pixel of the finely resampled filtered projection read by the back-projection.</summary>
    private const int Oversampling = 4;

    /// <summary>
    /// Adds weight × the back-projection of filtered rows for the listed angles into a rectangle whose pixel (j, i) sits at
    /// (originX + i, originY + j) relative to the axis. The rectangle must lie within the square of side <see cref="Bins"/>.
    /// Each filtered row is first resampled linearly at a quarter pixel, so the inner loop needs one gather (nearest
    /// quarter-pixel sample) per eight pixels instead of two gathers and an interpolation.
    /// </summary>
    public unsafe void Backproject(ReadOnlySpan<float> filtered, ReadOnlySpan<int> angles, Span<float> image, int height, int width,
        double originX, double originY, float weight)
    {
        var fineLength = (FilteredLength - 1) * Oversampling + 1;
        var fine = System.Buffers.ArrayPool<float>.Shared.Rent(fineLength);
        try
        {
            var offset = (float)((DetectorCentre + Guard) * Oversampling) + 0.5f;
            var maxIndex = (float)(fineLength - 1);
            fixed (float* q = fine)
            fixed (float* img = image)
            {
                for (var n = 0; n < angles.Length; n++)
                {
                    Resample(filtered.Slice(n * FilteredLength, FilteredLength), fine, weight);
                    var a = angles[n];
                    var c = _cos[a] * Oversampling;
                    var s = _sin[a] * Oversampling;
                    for (var j = 0; j < height; j++)
                    {
                        var row = img + (long)j * width;
                        var t0 = (float)(originX * c + (originY + j) * s) + offset;
                        var i = 0;
                        if (Avx2.IsSupported && width >= 8)
                        {
                            var steps = Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f) * c;
                            var lowest = Vector256<float>.Zero;
                            var highest = Vector256.Create(maxIndex);
                            for (; i <= width - 8; i += 8)
                            {
                                var t = Avx.Min(Avx.Max(Vector256.Create(t0 + i * c) + steps, lowest), highest);
                                var value = Avx2.GatherVector256(q, Avx.ConvertToVector256Int32WithTruncation(t), 4);
                                var target = row + i;
                                Avx.Store(target, Avx.LoadVector256(target) + value);
                            }
                        }
                        for (; i < width; i++)
                        {
                            row[i] += q[(int)Math.Clamp(t0 + i * c, 0, maxIndex)];
                        }
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(fine);
        }
    }

    private static void Resample(ReadOnlySpan<float> row, Span<float> fine, float weight)
    {
        for (var k = 0; k < row.Length - 1; k++)
        {
            var a = row[k] * weight;
            var step = (row[k + 1] * weight - a) / Oversampling;
            for (var m = 0; m < Oversampling; m++)
            {
                fine[k * Oversampling + m] = a + m * step;
            }
        }
        fine[(row.Length - 1) * Oversampling] = row[^1] * weight;
    }
}
