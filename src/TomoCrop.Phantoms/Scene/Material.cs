namespace TomoCrop.Phantoms.Scene;

/// <summary>
/// Density of a tissue: a base attenuation, smooth fluctuations and optional cell walls, evaluated in the
/// specimen's own (normalised) frame so the texture turns with the specimen.
/// </summary>
internal sealed record Material(float Base)
{
    /// <summary>Amplitude of smooth density fluctuations.</summary>
    public float NoiseAmplitude { get; init; }

    /// <summary>Fluctuations per unit of specimen extent.</summary>
    public float NoiseFrequency { get; init; } = 10;

    /// <summary>Density drop on cell walls (0 = no cells).</summary>
    public float CellWallDepth { get; init; }

    /// <summary>Cell diameter in units of specimen extent.</summary>
    public float CellSize { get; init; } = 0.05f;

    /// <summary>Cell-to-cell variation of the density.</summary>
    public float CellVariation { get; init; }

    /// <summary>Banding along the specimen's local x (fish muscle segments): amplitude and period.</summary>
    public float BandAmplitude { get; init; }

    public float BandPeriod { get; init; } = 0.03f;

    public uint Seed { get; init; }

    public bool IsTextured => NoiseAmplitude != 0 || CellWallDepth != 0 || BandAmplitude != 0;

    public float Evaluate(double u, double v, double w)
    {
        var value = Base;
        if (NoiseAmplitude != 0)
        {
            value += NoiseAmplitude * Noise.Fractal(u * NoiseFrequency, v * NoiseFrequency, w * NoiseFrequency, Seed);
        }
        if (CellWallDepth != 0)
        {
            var scale = 1.0 / CellSize;
            var wall = Noise.CellWall(u * scale, v * scale, w * scale, Seed + 7, out var cellId);
            value += CellVariation * (cellId - 0.5f) - CellWallDepth * MathF.Exp(-wall * wall * 40f);
        }
        if (BandAmplitude != 0)
        {
            var phase = u / BandPeriod;
            value += BandAmplitude * MathF.Pow(MathF.Abs(MathF.Cos((float)(Math.PI * phase))), 12f);
        }
        return value;
    }
}
