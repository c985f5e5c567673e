using TomoCrop.Phantoms.Artefacts;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Phantoms.Tests;

public sealed class ReconstructionTests : IDisposable
{
    private readonly TempDirectory _dir = new("tomocrop-phantoms-");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(ReconstructionFilter.Ramp, 64, 96)]
    [InlineData(ReconstructionFilter.SheppLogan, 64, 96)]
    [InlineData(ReconstructionFilter.SheppLogan, 96, 150)]
    public void Filtered_back_projection_of_a_disk_restores_its_value(ReconstructionFilter filter, int size, int angles)
    {
        var beam = new ParallelBeam(size, angles, filter);
        var image = new float[size * size];
        var centre = (size - 1) / 2.0;
        var radius = size * 0.3;
        for (var y = 0; y < size; y++)
        for (var x = 0; x < size; x++)
        {
            image[y * size + x] = Math.Sqrt(Math.Pow(x - centre - 3, 2) + Math.Pow(y - centre + 2, 2)) < radius ? 0.5f : 0f;
        }
        var sinogram = new float[angles * size];
        using (var projector = new RayProjector(image, size, size, -centre, -centre))
        {
            for (var a = 0; a < angles; a++)
            {
                projector.Project(beam, a, sinogram.AsSpan(a * size, size));
            }
        }
        var filtered = new float[angles * beam.FilteredLength];
        beam.Filter(sinogram, angles, filtered, new float[beam.FftSize], new float[beam.FftSize]);
        var reconstruction = new float[size * size];
        beam.Backproject(filtered, Enumerable.Range(0, angles).ToArray(), reconstruction, size, size, -centre, -centre, (float)(Math.PI / angles));

        double inside = 0, outside = 0;
        int nInside = 0, nOutside = 0;
        for (var y = 0; y < size; y++)
        for (var x = 0; x < size; x++)
        {
            var r = Math.Sqrt(Math.Pow(x - centre - 3, 2) + Math.Pow(y - centre + 2, 2));
            if (r < radius - 3)
            {
                inside += reconstruction[y * size + x];
                nInside++;
                // Few angles leave view-aliasing ripples; the disk's value holds on average.
                Assert.InRange(reconstruction[y * size + x], 0.42, 0.58);
            }
            else if (r > radius + 3 && Math.Sqrt(Math.Pow(x - centre, 2) + Math.Pow(y - centre, 2)) < size / 2.0 - 2)
            {
                outside += reconstruction[y * size + x];
                nOutside++;
            }
        }
        Assert.InRange(inside / nInside, 0.49, 0.51);
        Assert.InRange(outside / nOutside, -0.01, 0.01);
    }

    private float[] Slices(string name, PhantomSpec spec)
    {
        PhantomGenerator.Write(spec, _dir.File(name), PhantomTestKit.Raw);
        return PhantomTestKit.ReadFloats(_dir.File(name));
    }

    private static double Variance(IEnumerable<double> values)
    {
        var list = values.ToList();
        var mean = list.Average();
        return list.Sum(v => (v - mean) * (v - mean)) / list.Count;
    }

    [Theory]
    [InlineData(ArtefactMode.Reconstruction)]
    [InlineData(ArtefactMode.Approximate)]
    public void Rings_are_rotationally_symmetric_and_drift_slowly_along_z(ArtefactMode mode)
    {
        var shape = new VolumeShape(24, 72, 72);
        var clean = new ArtefactOptions { Mode = mode, Photons = 0, RingStrength = 0, Streaks = false, PhaseContrast = 0 };
        var spec = new PhantomSpec { Variant = PhantomVariant.HolderOnly, Shape = shape, Seed = 61, Artefacts = clean };
        var without = Slices("clean.raw", spec);
        var with = Slices("rings.raw", spec with { Artefacts = clean with { RingStrength = 2 } });

        // The reconstruction is linear in the detector offsets: the difference is the ring image alone.
        var slice = shape.Y * shape.X;
        const int fine = 4;
        var bins = 34 * fine;
        var profiles = new List<double[]>();
        for (var z = 0; z < shape.Z; z++)
        {
            var difference = new float[slice];
            for (var i = 0; i < slice; i++)
            {
                difference[i] = with[z * slice + i] - without[z * slice + i];
            }
            // Rings are as sharp as a detector pixel, so the angular average uses quarter-voxel annuli.
            var profile = PhantomTestKit.RadialProfile(difference, shape.Y, shape.X, bins, fine);
            profiles.Add(profile);
            // Much of the difference is explained by its angular average: rings, not streaks or noise (the angular
            // average of photon noise explains only a few per cent). Sharp rings are not perfectly circular after FBP
            // with a finite number of angles, as in real data.
            double total = 0, residual = 0;
            var n = 0;
            for (var y = 0; y < shape.Y; y++)
            for (var x = 0; x < shape.X; x++)
            {
                var b = PhantomTestKit.RadialBin(y, x, shape.Y, shape.X, fine);
                if (b < 5 * fine || b >= bins)
                {
                    continue;
                }
                var v = difference[y * shape.X + x];
                total += v * v;
                residual += Math.Pow(v - profile[b], 2);
                n++;
            }
            Assert.True(Math.Sqrt(total / n) > 3e-4, $"slice {z}: rings too weak ({Math.Sqrt(total / n)})");
            Assert.True(residual < 0.6 * total, $"slice {z}: only {1 - residual / total:P0} of the difference is ring-shaped");
        }
        // Neighbouring slices carry nearly the same rings; distant slices less so (slow drift, defects that come and go).
        static double Correlation(double[] a, double[] b)
        {
            double ma = a.Average(), mb = b.Average(), ab = 0, aa = 0, bb = 0;
            for (var i = 2; i < a.Length; i++)
            {
                ab += (a[i] - ma) * (b[i] - mb);
                aa += (a[i] - ma) * (a[i] - ma);
                bb += (b[i] - mb) * (b[i] - mb);
            }
            return ab / Math.Sqrt(aa * bb);
        }
        Assert.True(Correlation(profiles[10], profiles[11]) > 0.9);

        // In the holder-only slice itself, the radial profile of the medium is rough with rings and smooth without.
        static double Roughness(double[] p, int from, int to) => Variance(Enumerable.Range(from, to - from).Select(r => p[r] - (p[r - 1] + p[r + 1]) / 2));
        var ringed = PhantomTestKit.RadialProfile(with.AsSpan(12 * slice, slice), shape.Y, shape.X, 36);
        var smooth = PhantomTestKit.RadialProfile(without.AsSpan(12 * slice, slice), shape.Y, shape.X, 36);
        Assert.True(Roughness(ringed, 2, 12) > 4 * Roughness(smooth, 2, 12));
    }

    [Theory]
    [InlineData(ArtefactMode.Reconstruction)]
    [InlineData(ArtefactMode.Approximate)]
    public void Photon_noise_is_present_fine_grained_and_also_outside_the_reconstruction_circle(ArtefactMode mode)
    {
        var shape = new VolumeShape(8, 64, 64);
        var quiet = new ArtefactOptions { Mode = mode, Photons = 0, RingStrength = 0, Streaks = false };
        var spec = new PhantomSpec { Variant = PhantomVariant.HolderOnly, Shape = shape, Seed = 62, Artefacts = quiet };
        var clean = Slices("clean.raw", spec);
        var noisy = Slices("noisy.raw", spec with { Artefacts = quiet with { Photons = 2000 } });
        var zeroed = Slices("zeroed.raw", spec with { Artefacts = quiet with { Photons = 2000, ZeroOutsideCircle = true } });

        var slice = shape.Y * shape.X;
        var noise = Enumerable.Range(0, slice).Select(i => (double)(noisy[4 * slice + i] - clean[4 * slice + i])).ToArray();
        var sigma = Math.Sqrt(Variance(noise));
        Assert.InRange(sigma, 0.005, 0.3);
        // Fine grained: neighbouring differences are as large as the noise itself (no smooth blobs).
        var neighbour = Enumerable.Range(0, slice - 1).Where(i => i % shape.X != shape.X - 1).Select(i => noise[i + 1] - noise[i]);
        Assert.True(Math.Sqrt(Variance(neighbour)) > sigma);
        // Corners (outside the circle) carry reconstruction noise unless asked to be zero.
        Assert.NotEqual(0f, noisy[4 * slice]);
        Assert.Equal(0f, zeroed[4 * slice]);
        Assert.Equal(noisy[4 * slice + 32 * 64 + 32], zeroed[4 * slice + 32 * 64 + 32]);
    }

    [Fact]
    public void Streaks_come_from_bad_projections_and_dense_inclusions()
    {
        var shape = new VolumeShape(16, 64, 64);
        var quiet = new ArtefactOptions { Mode = ArtefactMode.Reconstruction, Photons = 0, RingStrength = 0, Streaks = false, PhaseContrast = 0 };
        var spec = new PhantomSpec { Kind = SpecimenKind.Fish, Shape = shape, Seed = 63, Artefacts = quiet, SpecimenSize = (40, 50) };
        var without = Slices("plain.raw", spec);
        var with = Slices("streaks.raw", spec with { Artefacts = quiet with { Streaks = true } });
        var difference = without.Zip(with, (a, b) => Math.Abs(a - b)).ToArray();
        Assert.True(difference.Average() > 1e-3);
    }
}
