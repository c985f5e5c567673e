using TomoCrop.Phantoms.Scene;

namespace TomoCrop.Phantoms.Artefacts;

/// <summary>
/// What is wrong with the (simulated) detector and scan, fixed for the whole volume: per-pixel flat-field
/// residuals that give ring artefacts (constant over angles, drifting slowly along z, plus a few strong
/// defects over a run of rows), a few bad projections, and beam hardening.
/// </summary>
internal sealed class DetectorModel
{
    private readonly double[] _offset;
    private readonly double[] _period;
    private readonly double[] _phase;
    private readonly (int First, int Last, int ZStart, int ZStop, double Amplitude)[] _defects;

    public DetectorModel(int bins, int angles, int slices, ArtefactOptions options, long seed)
    {
        var rng = Rng.Derive(seed, purpose: 2, index: 0);
        Bins = bins;
        _offset = new double[bins];
        _period = new double[bins];
        _phase = new double[bins];
        var sigma = 0.0012 * options.RingStrength;
        for (var d = 0; d < bins; d++)
        {
            var heavy = rng.Chance(0.03) ? rng.Uniform(2, 5) : 1;
            _offset[d] = sigma * rng.Gaussian() * heavy;
            _period[d] = rng.Uniform(40, 400);
            _phase[d] = rng.Uniform(0, 2 * Math.PI);
        }
        var defects = options.RingStrength > 0 ? rng.Next(2, 7) : 0;
        _defects = new (int, int, int, int, double)[defects];
        for (var i = 0; i < defects; i++)
        {
            var first = rng.Next(bins / 10, bins - bins / 10);
            var zStart = rng.Next(0, slices);
            _defects[i] = (first, first + rng.Next(0, 3), zStart, zStart + rng.Next(Math.Max(2, slices / 10), Math.Max(3, slices / 2)),
                sigma * rng.Uniform(3, 6) * (rng.Chance(0.5) ? 1 : -1));
        }
        if (options.Streaks)
        {
            BeamHardening = rng.Uniform(0.03, 0.08);
            var bad = rng.Next(1, 4);
            BadProjections = new (int, double, double)[bad];
            for (var i = 0; i < bad; i++)
            {
                // A wrongly normalised projection (beam current jump), or one taken while the stage vibrated.
                BadProjections[i] = (rng.Next(0, angles), rng.Chance(0.5) ? rng.Uniform(-0.08, 0.08) : 0, rng.Chance(0.5) ? rng.Uniform(0.6, 1.5) : 0);
            }
        }
        else
        {
            BadProjections = [];
        }
    }

    public int Bins { get; }

    /// <summary>Coefficient of the polychromatic saturation p -> p / (1 + b p) of log-attenuation; 0 = monochromatic.</summary>
    public double BeamHardening { get; }

    /// <summary>Bad projections: angle index, relative gain error, and shift in detector pixels.</summary>
    public (int Angle, double GainError, double Shift)[] BadProjections { get; }

    /// <summary>Log-attenuation offsets of every detector pixel for detector row (slice) z.</summary>
    public void RingOffsets(int z, Span<float> offsets)
    {
        for (var d = 0; d < Bins; d++)
        {
            offsets[d] = (float)(_offset[d] * (1 + 0.5 * Math.Sin(2 * Math.PI * z / _period[d] + _phase[d])));
        }
        foreach (var (first, last, zStart, zStop, amplitude) in _defects)
        {
            if (z >= zStart && z < zStop)
            {
                for (var d = first; d <= last && d < Bins; d++)
                {
                    offsets[d] += (float)amplitude;
                }
            }
        }
    }
}
