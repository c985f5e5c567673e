using TomoCrop.Phantoms.Scene;

namespace TomoCrop.Phantoms.Artefacts;

/// <summary>What the specimen mask of one slice covers inside the volume.</summary>
internal struct SliceMaskStats
{
    public long Count;
    public int YMin, YMax, XMin, XMax;

    public static SliceMaskStats Empty => new() { YMin = int.MaxValue, XMin = int.MaxValue, YMax = -1, XMax = -1 };
}

/// <summary>Scratch buffers of one worker thread; sized by the slice, never by the volume.</summary>
internal sealed class SliceWorkspace
{
    public SliceWorkspace(int idealPixels, int slicePixels, int sinogram, int filtered, int fftSize, int bins)
    {
        Ideal = new float[idealPixels];
        Mask = new byte[idealPixels];
        Symmetric = new float[idealPixels];
        Output = new float[slicePixels];
        Scratch = new float[slicePixels];
        Sinogram = new float[sinogram];
        Filtered = new float[filtered];
        Re = new float[fftSize];
        Im = new float[fftSize];
        Row = new float[2 * bins + 8];
        Offsets = new float[bins];
    }

    public float[] Ideal { get; }
    public byte[] Mask { get; }
    public float[] Symmetric { get; }
    public float[] Output { get; }
    public float[] Scratch { get; }
    public float[] Sinogram { get; }
    public float[] Filtered { get; }
    public float[] Re { get; }
    public float[] Im { get; }
    public float[] Row { get; }
    public float[] Offsets { get; }
}

/// <summary>
/// Turns the ideal density of an axial slice into a reconstruction-like slice, either by simulating the scan
/// (projection, phase-contrast fringes, beam hardening, bad projections, photon noise, detector rings, FBP) or by
/// drawing comparable artefacts directly in image space. Every slice draws its randomness from its own stream.
/// </summary>
internal sealed class SliceSimulator
{
    // Noise of the approximate mode, tuned so that it matches the FBP mode's noise in medium at equal photon counts.
    private const double ApproximateNoisePerPhoton = 0.06;

    private readonly PhantomScene _scene;
    private readonly PhantomSpec _spec;
    private readonly ArtefactOptions _options;
    private readonly ParallelBeam? _beam;
    private readonly DetectorModel? _detector;
    private readonly int[] _allAngles;
    private readonly int _bins;
    private readonly int _grid;
    private readonly int _gridX0;
    private readonly int _gridY0;

    /// <summary>Log-attenuation per unit of image value and voxel: a medium-filled tube of the full view transmits ~20 %.</summary>
    private readonly double _physical;

    public SliceSimulator(PhantomScene scene, PhantomSpec spec)
    {
        _scene = scene;
        _spec = spec;
        _options = spec.Artefacts;
        var shape = spec.Shape;
        _bins = Math.Max(shape.Y, shape.X);
        _physical = 8.0 / _bins;
        var angles = _options.Angles ?? _bins;
        if (_options.Mode != ArtefactMode.None)
        {
            _beam = new ParallelBeam(_bins, angles, _options.Filter);
            _detector = new DetectorModel(_bins, angles, shape.Z, _options, spec.Seed);
        }
        _allAngles = Enumerable.Range(0, angles).ToArray();
        // The scan sees what lies around the axis beyond the field of view too (truncation artefacts); half a field
        // of view of margin is enough for those and bounds the projection cost at 2.25x that of the field of view.
        _grid = _options.Mode == ArtefactMode.Reconstruction
            ? Math.Clamp(2 * (int)Math.Ceiling(scene.LateralReach) + 4, _bins, 3 * _bins / 2 + 4)
            : 0;
        _gridX0 = -((_grid - shape.X) / 2);
        _gridY0 = -((_grid - shape.Y) / 2);
    }

    public SliceWorkspace CreateWorkspace()
    {
        var shape = _spec.Shape;
        var pixels = shape.Y * shape.X;
        if (_beam is null)
        {
            return new SliceWorkspace(pixels, pixels, 0, 0, 0, _bins);
        }
        var reconstruct = _options.Mode == ArtefactMode.Reconstruction;
        var angles = reconstruct ? _beam.Angles : 1;
        return new SliceWorkspace(reconstruct ? _grid * _grid : pixels, pixels, angles * _bins, angles * _beam.FilteredLength, _beam.FftSize, _bins);
    }

    /// <summary>Simulates slice <paramref name="z"/> into <see cref="SliceWorkspace.Output"/> and reports its specimen mask.</summary>
    public SliceMaskStats Simulate(int z, SliceWorkspace w)
    {
        var shape = _spec.Shape;
        SliceMaskStats stats;
        if (_options.Mode == ArtefactMode.Reconstruction)
        {
            var painted = _scene.RenderSlice(z, _gridY0, _gridX0, _grid, _grid, w.Ideal, w.Mask, w.Symmetric);
            stats = Measure(w.Mask, _grid, -_gridY0, -_gridX0);
            Reconstruct(z, w, painted);
        }
        else
        {
            _scene.RenderSlice(z, 0, 0, shape.Y, shape.X, w.Ideal, w.Mask);
            stats = Measure(w.Mask, shape.X, 0, 0);
            if (_options.Mode == ArtefactMode.None)
            {
                w.Ideal.AsSpan(0, shape.Y * shape.X).CopyTo(w.Output);
            }
            else
            {
                Approximate(z, w);
            }
        }
        if (_options.ZeroOutsideCircle && _options.Mode != ArtefactMode.None)
        {
            ZeroOutsideCircle(w.Output);
        }
        return stats;
    }

    /// <summary>Specimen voxels of the volume's (Y, X) rectangle, which starts at (top, left) of a mask of the given width.</summary>
    private SliceMaskStats Measure(byte[] mask, int width, int top, int left)
    {
        var shape = _spec.Shape;
        var stats = SliceMaskStats.Empty;
        for (var y = 0; y < shape.Y; y++)
        {
            var row = mask.AsSpan((top + y) * width + left, shape.X);
            var first = row.IndexOf((byte)1);
            if (first < 0)
            {
                continue;
            }
            var last = row.LastIndexOf((byte)1);
            stats.Count += row.Count((byte)1);
            stats.YMin = Math.Min(stats.YMin, y);
            stats.YMax = y;
            stats.XMin = Math.Min(stats.XMin, first);
            stats.XMax = Math.Max(stats.XMax, last);
        }
        return stats;
    }

    private void Reconstruct(int z, SliceWorkspace w, (int RowMin, int RowMax, int ColMin, int ColMax) painted)
    {
        var beam = _beam!;
        var detector = _detector!;
        var shape = _spec.Shape;
        var rng = Rng.Derive(_spec.Seed, purpose: 3, index: z);
        var bins = _bins;
        var sinogram = w.Sinogram.AsSpan(0, beam.Angles * bins);
        var originX = _gridX0 - _scene.AxisX;
        var originY = _gridY0 - _scene.AxisY;
        // The holder and medium are rotationally symmetric about the axis, so their projection is the same at every
        // angle: project them once, then project only the rectangle holding the specimen and bubbles at every angle.
        var symmetric = sinogram[..bins];
        symmetric.Clear();
        _scene.Holder?.Project(z, symmetric, -beam.DetectorCentre, w.Row);
        for (var a = 1; a < beam.Angles; a++)
        {
            symmetric.CopyTo(sinogram.Slice(a * bins, bins));
        }
        if (painted.RowMax >= 0)
        {
            var rows = painted.RowMax - painted.RowMin + 1;
            var columns = painted.ColMax - painted.ColMin + 1;
            var rest = w.Symmetric.AsSpan(0, rows * columns);
            for (var r = 0; r < rows; r++)
            {
                var source = (painted.RowMin + r) * _grid + painted.ColMin;
                for (var c = 0; c < columns; c++)
                {
                    // Reuses the symmetric buffer: row r of the rectangle never overwrites rows it still needs.
                    rest[r * columns + c] = w.Ideal[source + c] - w.Symmetric[source + c];
                }
            }
            using var projector = new RayProjector(rest, rows, columns, originX + painted.ColMin, originY + painted.RowMin);
            for (var a = 0; a < beam.Angles; a++)
            {
                projector.Project(beam, a, sinogram.Slice(a * bins, bins));
            }
        }
        detector.RingOffsets(z, w.Offsets);
        var photons = _options.Photons;
        var fringe = _options.PhaseContrast;
        var hardening = detector.BeamHardening;
        for (var a = 0; a < beam.Angles; a++)
        {
            var projection = sinogram.Slice(a * bins, bins);
            var gain = 0.0;
            foreach (var bad in detector.BadProjections)
            {
                if (bad.Angle == a)
                {
                    gain = bad.GainError;
                    if (bad.Shift != 0)
                    {
                        Shift(projection, bad.Shift, w.Row);
                    }
                }
            }
            // Row holds the projection padded by one sample each side, for the Laplacian.
            var padded = w.Row.AsSpan(0, bins + 2);
            projection.CopyTo(padded[1..]);
            padded[0] = padded[1];
            padded[bins + 1] = padded[bins];
            for (var d = 0; d < bins; d++)
            {
                var p = padded[d + 1] * _physical;
                if (fringe > 0)
                {
                    p -= fringe * (padded[d] - 2 * padded[d + 1] + padded[d + 2]) * _physical;
                }
                if (hardening > 0 && p > 0)
                {
                    p /= 1 + hardening * p;
                }
                p *= 1 + gain;
                if (photons > 0)
                {
                    var counts = photons * Math.Exp(-p);
                    counts += Math.Sqrt(counts) * rng.Gaussian();
                    p = -Math.Log(Math.Max(counts, 1) / photons);
                }
                p += w.Offsets[d];
                projection[d] = (float)(p / _physical);
            }
        }
        beam.Filter(sinogram, beam.Angles, w.Filtered, w.Re, w.Im);
        var output = w.Output.AsSpan(0, shape.Y * shape.X);
        output.Clear();
        beam.Backproject(w.Filtered, _allAngles, output, shape.Y, shape.X, -_scene.AxisX, -_scene.AxisY, (float)(Math.PI / beam.Angles));
    }

    private static void Shift(Span<float> projection, double shift, float[] scratch)
    {
        var n = projection.Length;
        projection.CopyTo(scratch);
        for (var d = 0; d < n; d++)
        {
            var t = Math.Clamp(d + shift, 0, n - 1);
            var k = Math.Min((int)t, n - 2);
            var f = (float)(t - k);
            projection[d] = scratch[k] + f * (scratch[k + 1] - scratch[k]);
        }
    }

    private void Approximate(int z, SliceWorkspace w)
    {
        var beam = _beam!;
        var detector = _detector!;
        var shape = _spec.Shape;
        int height = shape.Y, width = shape.X;
        var rng = Rng.Derive(_spec.Seed, purpose: 4, index: z);
        var ideal = w.Ideal.AsSpan(0, height * width);
        var output = w.Output.AsSpan(0, height * width);
        var scratch = w.Scratch.AsSpan(0, height * width);

        // Detector blur, then phase-contrast fringes at edges.
        Blur(ideal, scratch, height, width);
        scratch.CopyTo(output);
        if (_options.PhaseContrast > 0)
        {
            var k = (float)(0.5 * _options.PhaseContrast);
            for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var c = scratch[y * width + x];
                var l = scratch[y * width + Math.Max(x - 1, 0)] + scratch[y * width + Math.Min(x + 1, width - 1)]
                    + scratch[Math.Max(y - 1, 0) * width + x] + scratch[Math.Min(y + 1, height - 1) * width + x] - 4 * c;
                output[y * width + x] = c - k * l;
            }
        }

        // Fine-grained (ramp-filtered-like) noise: white noise minus part of its local mean.
        if (_options.Photons > 0)
        {
            var sigma = (float)(ApproximateNoisePerPhoton / Math.Sqrt(_options.Photons) / (_physical * Math.Sqrt(_bins / 256.0)));
            for (var i = 0; i < scratch.Length; i++)
            {
                scratch[i] = (float)rng.Gaussian();
            }
            for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                var mean = (scratch[y * width + Math.Max(x - 1, 0)] + scratch[y * width + Math.Min(x + 1, width - 1)]
                    + scratch[Math.Max(y - 1, 0) * width + x] + scratch[Math.Min(y + 1, height - 1) * width + x]) * 0.25f;
                output[i] += sigma * (scratch[i] - 0.5f * mean);
            }
        }

        // Rings: the exact reconstruction of angle-independent detector offsets is radially symmetric; add it by radius.
        if (_options.RingStrength > 0)
        {
            AddRings(z, w, output);
        }

        // Streaks of bad projections: reconstruct each projection's error alone and add it.
        foreach (var bad in detector.BadProjections)
        {
            var projection = w.Sinogram.AsSpan(0, _bins);
            projection.Clear();
            using (var projector = new RayProjector(ideal, height, width, -_scene.AxisX, -_scene.AxisY))
            {
                projector.Project(beam, bad.Angle, projection);
            }
            var original = w.Row.AsSpan(0, _bins);
            projection.CopyTo(original);
            if (bad.Shift != 0)
            {
                Shift(projection, bad.Shift, w.Scratch);
            }
            for (var d = 0; d < _bins; d++)
            {
                projection[d] = (float)(projection[d] * (1 + bad.GainError) - original[d]);
            }
            beam.Filter(projection, 1, w.Filtered, w.Re, w.Im);
            beam.Backproject(w.Filtered, [bad.Angle], output, height, width, -_scene.AxisX, -_scene.AxisY, (float)(Math.PI / beam.Angles));
        }
    }

    private void AddRings(int z, SliceWorkspace w, Span<float> output)
    {
        var beam = _beam!;
        var shape = _spec.Shape;
        var offsets = w.Offsets;
        _detector!.RingOffsets(z, offsets);
        var projection = w.Sinogram.AsSpan(0, _bins);
        for (var d = 0; d < _bins; d++)
        {
            projection[d] = (float)(offsets[d] / _physical);
        }
        beam.Filter(projection, 1, w.Filtered, w.Re, w.Im);
        var filtered = w.Filtered.AsSpan(0, beam.FilteredLength);
        // f(r) = mean over directions of q(r cos psi); tabulated every half voxel.
        var maxRadius = Math.Sqrt(Math.Pow(shape.X / 2.0 + 1, 2) + Math.Pow(shape.Y / 2.0 + 1, 2));
        var samples = (int)Math.Ceiling(2 * maxRadius) + 2;
        var profile = w.Row.Length >= samples ? w.Row.AsSpan(0, samples) : new float[samples];
        const int directions = 256;
        var centre = beam.DetectorCentre + beam.Guard;
        for (var s = 0; s < samples; s++)
        {
            var r = s * 0.5;
            double sum = 0;
            for (var k = 0; k < directions; k++)
            {
                var t = Math.Clamp(centre + r * Math.Cos(Math.PI * (k + 0.5) / directions), 0, beam.FilteredLength - 2);
                var i = (int)t;
                sum += filtered[i] + (t - i) * (filtered[i + 1] - filtered[i]);
            }
            profile[s] = (float)(Math.PI * sum / directions);
        }
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++)
        {
            var r2 = 2 * Math.Sqrt(Math.Pow(x - _scene.AxisX, 2) + Math.Pow(y - _scene.AxisY, 2));
            var i = Math.Min((int)r2, samples - 2);
            output[y * shape.X + x] += profile[i] + (float)(r2 - i) * (profile[i + 1] - profile[i]);
        }
    }

    private static void Blur(ReadOnlySpan<float> source, Span<float> target, int height, int width)
    {
        for (var y = 0; y < height; y++)
        {
            var up = Math.Max(y - 1, 0) * width;
            var here = y * width;
            var down = Math.Min(y + 1, height - 1) * width;
            for (var x = 0; x < width; x++)
            {
                int l = Math.Max(x - 1, 0), r = Math.Min(x + 1, width - 1);
                var above = 0.25f * source[up + l] + 0.5f * source[up + x] + 0.25f * source[up + r];
                var middle = 0.25f * source[here + l] + 0.5f * source[here + x] + 0.25f * source[here + r];
                var below = 0.25f * source[down + l] + 0.5f * source[down + x] + 0.25f * source[down + r];
                target[here + x] = 0.25f * above + 0.5f * middle + 0.25f * below;
            }
        }
    }

    private void ZeroOutsideCircle(Span<float> output)
    {
        var shape = _spec.Shape;
        var radius2 = Math.Pow(_bins / 2.0, 2);
        for (var y = 0; y < shape.Y; y++)
        for (var x = 0; x < shape.X; x++)
        {
            if (Math.Pow(x - _scene.AxisX, 2) + Math.Pow(y - _scene.AxisY, 2) > radius2)
            {
                output[y * shape.X + x] = 0;
            }
        }
    }
}
