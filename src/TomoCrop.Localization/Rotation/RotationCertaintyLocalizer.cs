using TomoCrop.Localization.Evidence;
using TomoCrop.Localization.Profiles;
using TomoCrop.Models;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Rotation;

public sealed record RotationLocalizerOptions
{
    public static RotationLocalizerOptions Default { get; } = new();

    /// <summary>
    /// How a certainty profile becomes a kept range: 12% of the way from the profile's minimum to its maximum, plus
    /// 8 voxels and 5% of the extent on each side. Measured on 20 fresh 256³ phantoms (README): Otsu, and a 25% cut
    /// with 6-voxel margins, cut the specimen in 4 of 18 cases (specimens filling the view, a fish whose thin tail
    /// scores low); this setting kept all 18 whole. When the object reaches one border, a cut under 10% of the axis at
    /// the other is not made: on the varied suite (README) a fish filling the view otherwise lost its last 20 slices.
    /// Lossless first: loose boxes are the price.
    /// </summary>
    public ProfileCutOptions Cut { get; init; } = ProfileCutOptions.Default with
    {
        Rule = ThresholdRule.FractionOfMax,
        Value = 0.12,
        MarginVoxels = 8,
        MarginPercent = 5.0,
        MinCutPercent = 10.0,
        BackgroundSigmas = 3.0,
    };

    /// <summary>
    /// The cut's background rule (<see cref="ProfileCutOptions.BackgroundSigmas"/>) never raises the level above this
    /// multiple of chance (1 / number of angles; 0.29 for seven): slices with nothing to see score about chance, a
    /// specimen well above. On 40 scans whose view cuts through the tube or the specimen (out of view, filling it,
    /// no holder; eight phantom sets) the 12% level often sat inside the background's noise (a single low sample set
    /// the minimum) and kept the axis to the border: with the raised level their mean face error fell from 39.7 to
    /// 28.2 voxels, specimens filling the view kept every slice, and all 144 true boxes stayed whole. The same ceiling
    /// tells where the profile is quiet beyond the specimen evidence across such a view
    /// (<see cref="SpecimenEvidence.QuietBeyond"/>). 0 turns both off.
    /// </summary>
    public double BackgroundCeilingTimesChance { get; init; } = 2.0;

    /// <summary>
    /// Classical specimen evidence (<see cref="SpecimenEvidence"/>): tightens the faces the certainty profile cropped
    /// and decides those it kept to the border; null turns it off. With no evidence at all (an empty holder) nothing
    /// is cropped.
    /// </summary>
    public EvidenceOptions? Evidence { get; init; } = EvidenceOptions.Default;

    /// <summary>Coarse pass: every k-th slice of the in-memory subsample.</summary>
    public int CoarseStep { get; init; } = 2;

    /// <summary>Refinement: every subsample slice within this many coarse steps of each detected edge.</summary>
    public int RefineRadius { get; init; } = 2;

    public int BatchSize { get; init; } = 64;

    public DevicePreference Device { get; init; } = DevicePreference.Auto;

    public IoLimits Limits { get; init; } = IoLimits.Default;

    /// <summary>libtorch intra-op threads (process-wide); 0 leaves libtorch's default. One is fastest on a busy shared machine.</summary>
    public int TorchThreads { get; init; }
}

/// <summary>
/// The learned localizer (paper §2.2, uncertainty estimation): one strided read of the volume into a bounded
/// subsample, a certainty profile per axis (coarse pass, then every slice near the two edges), the kept range
/// per axis by <see cref="ProfileCut"/> — which keeps the full extent when there is no clear object or it
/// touches the border.
/// </summary>
public sealed class RotationCertaintyLocalizer : ILocalizer, IDisposable
{
    private readonly LoadedModel model;
    private readonly RotationLocalizerOptions options;
    private readonly ProfileCutOptions cut;

    public RotationCertaintyLocalizer(string modelMetadataPath, RotationLocalizerOptions? options = null)
    {
        this.options = options ?? RotationLocalizerOptions.Default;
        if (this.options.CoarseStep < 1 || this.options.RefineRadius < 0 || this.options.BatchSize < 1)
        {
            throw new ArgumentException("coarse step and batch size must be >= 1, refine radius >= 0");
        }
        if (this.options.TorchThreads > 0)
        {
            TorchSharp.torch.set_num_threads(this.options.TorchThreads);
        }
        model = Checkpoint.Load(modelMetadataPath, TorchDevices.Select(this.options.Device));
        if (model.Metadata.Pretext != Pretexts.Rotation)
        {
            model.Dispose();
            throw new ModelException(modelMetadataPath, $"a {model.Metadata.Pretext} model has no rotation head; use it with --method clustering");
        }
        var chance = 1.0 / model.Metadata.Preprocessing.AnglesDegrees.Length;
        cut = this.options.BackgroundCeilingTimesChance > 0
            ? this.options.Cut with { BackgroundCeiling = this.options.BackgroundCeilingTimesChance * chance }
            : this.options.Cut with { BackgroundSigmas = 0 };
    }

    public string Name => "rotation";

    public string? ModelSha256 => model.WeightsSha256;

    public CheckpointMetadata ModelMetadata => model.Metadata;

    public LocalizationResult Localize(IVolumeReader volume, CancellationToken cancellationToken = default)
    {
        var shape = volume.Info.Shape;
        var read = ModelSample.Read(volume, model.Metadata.Preprocessing, options.Limits);
        var sample = read.Sample;
        var evidence = options.Evidence is { } evidenceOptions ? SpecimenEvidence.Find(read.Raw, evidenceOptions) : null;
        var profiler = new CertaintyProfiler(model, options.BatchSize);
        var decisions = new AxisDecision[3];
        var profiles = new AxisProfile[3];
        var quiet = new (bool Low, bool High)[3];
        for (var axis = 0; axis < 3; axis++)
        {
            (profiles[axis], decisions[axis]) = LocalizeAxis(profiler, sample, axis, shape[axis], cancellationToken);
            if (evidence is not null)
            {
                quiet[axis] = SpecimenEvidence.QuietBeyond(evidence, profiles[axis], shape[axis], options.Evidence!, cut.BackgroundCeiling);
                decisions[axis] = SpecimenEvidence.Narrow(decisions[axis], evidence, axis, shape[axis], options.Evidence!, quiet[axis]);
            }
        }
        if (evidence is not null)
        {
            decisions = FaceRefinement.Refine(volume, decisions, evidence, options.Evidence!, options.Limits, quiet, cancellationToken);
        }
        var box = new VoxelBox(decisions[0].Range, decisions[1].Range, decisions[2].Range);
        var seconds = read.Seconds();
        return new LocalizationResult(shape, box, decisions, profiles, Name, ModelSha256,
            seconds.Total, seconds.Read, seconds.Inference);
    }

    private (AxisProfile, AxisDecision) LocalizeAxis(CertaintyProfiler profiler, VolumeSample sample, int axis, int axisLength, CancellationToken cancellationToken)
    {
        var length = sample.Shape[axis];
        var step = options.CoarseStep;
        var values = new SortedDictionary<int, float>();
        void Evaluate(IEnumerable<int> indices)
        {
            var missing = indices.Where(i => i >= 0 && i < length && !values.ContainsKey(i)).Distinct().Order().ToList();
            if (missing.Count == 0)
            {
                return;
            }
            var certainty = profiler.Profile(sample, axis, missing, cancellationToken);
            for (var i = 0; i < missing.Count; i++)
            {
                values[missing[i]] = certainty[i];
            }
        }

        var coarse = Enumerable.Range(0, (length + step - 1) / step).Select(i => i * step).Append(length - 1);
        Evaluate(coarse);
        var (profile, decision) = Decide(values, sample.Stride, axis, axisLength);
        if (!decision.KeptFullExtent && step > 1 && profile.Threshold is var level && double.IsFinite(level))
        {
            // Refine around every crossing of the threshold between neighbouring coarse samples.
            var indices = values.Keys.ToArray();
            var refine = new List<int>();
            for (var i = 1; i < indices.Length; i++)
            {
                if ((values[indices[i - 1]] >= level) != (values[indices[i]] >= level))
                {
                    var from = indices[i - 1] - options.RefineRadius * step;
                    var to = indices[i] + options.RefineRadius * step;
                    refine.AddRange(Enumerable.Range(from, to - from + 1));
                }
            }
            Evaluate(refine);
            (profile, decision) = Decide(values, sample.Stride, axis, axisLength);
        }
        return (profile, decision);
    }

    private (AxisProfile, AxisDecision) Decide(SortedDictionary<int, float> values, int stride, int axis, int axisLength)
    {
        var positions = values.Keys.Select(i => Math.Min(axisLength - 1, i * stride)).ToArray();
        var certainty = values.Values.ToArray();
        var threshold = ProfileCut.Threshold(certainty, cut) ?? double.NaN;
        var profile = new AxisProfile(axis, positions, certainty, threshold);
        return (profile, ProfileCut.Decide(profile, axisLength, cut));
    }

    public void Dispose() => model.Dispose();
}
