using TomoCrop.Localization.Evidence;
using TomoCrop.Localization.Profiles;
using TomoCrop.Models;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Clustering;

public sealed record ClusteringLocalizerOptions
{
    public static ClusteringLocalizerOptions Default { get; } = new();

    /// <summary>
    /// DBSCAN's ε on <see cref="SuperpixelFeatures"/>-standardized embeddings. The paper's 0.5 was measured on its own
    /// (unstated) embedding scale; on this one, with the shipped sorting model on 8 phantoms of 192³, 0.5 split the
    /// background into 4–9 clusters and left 30–45% of all superpixels as outliers spread over the whole volume (no
    /// axis could be cut), while 0.8 left one to three dense background clusters and 4–8% outliers, concentrated on the
    /// specimen (README, "Embedding clustering").
    /// </summary>
    public double Epsilon { get; init; } = 0.8;

    /// <summary>DBSCAN's min samples: neighbours within ε (the point included) that make a core point.</summary>
    public int MinSamples { get; init; } = 10;

    /// <summary>A DBSCAN cluster with at least this fraction of all superpixels is background (see <see cref="BackgroundClusters"/>).</summary>
    public double BackgroundClusterFraction { get; init; } = 0.02;

    /// <summary>
    /// Fewer object superpixels than this fraction of all: no clear object, every axis kept whole. A holder-only scan
    /// still has a few outliers (streaks, bubbles); they must not become a crop.
    /// </summary>
    public double MinObjectFraction { get; init; } = 0.02;

    /// <summary>Input enlargement for a finer superpixel grid (see <see cref="SuperpixelEmbedder"/>).</summary>
    public int InputScale { get; init; } = 2;

    /// <summary>One intensity scale per volume rather than per slice (see <see cref="SuperpixelEmbedder.ScalePerVolume"/>).</summary>
    public bool ScalePerVolume { get; init; } = true;

    /// <summary>Every k-th subsample slice is embedded along each axis.</summary>
    public int SliceStep { get; init; } = 2;

    /// <summary>
    /// Per axis the profile is the fraction of each slice's superpixels that are object; a slice counts as specimen
    /// from 5% of the profile's range up (any slice with an object cell, in practice), then 12 voxels plus 5% of the
    /// extent on each side: with 8 voxels a fish's thin end was cut by one voxel on the evaluation set. Lossless first:
    /// <see cref="ProfileCut"/> keeps the axis whole without a clear object or at a border.
    /// </summary>
    public ProfileCutOptions Cut { get; init; } = ProfileCutOptions.Default with
    {
        Rule = ThresholdRule.FractionOfMax,
        Value = 0.05,
        MarginVoxels = 12,
        MarginPercent = 5.0,
    };

    /// <summary>
    /// Classical specimen evidence (<see cref="SpecimenEvidence"/>) the box never goes below: the clustering missed part
    /// of an out-of-view embryo on a check set, and cropped empty holders; with it, no evidence keeps the scan whole
    /// and the box always covers what is denser than the holder. Null turns it off.
    /// </summary>
    public EvidenceOptions? Evidence { get; init; } = EvidenceOptions.Default;

    /// <summary>When set, this classifier labels the superpixels instead of DBSCAN (the paper's fast path).</summary>
    public LinearProbe? Probe { get; init; }

    public int BatchSize { get; init; } = 64;

    public DevicePreference Device { get; init; } = DevicePreference.Auto;

    public IoLimits Limits { get; init; } = IoLimits.Default;

    /// <summary>libtorch intra-op threads (process-wide); 0 leaves libtorch's default.</summary>
    public int TorchThreads { get; init; }
}

/// <summary>What one volume's clustering produced: the result, and the superpixels with their labels (for fitting and scoring a probe).</summary>
public sealed record ClusteringAnalysis(LocalizationResult Result, IReadOnlyList<Superpixel> Superpixels, List<float[]> Features, bool[] IsObject, DbscanResult? Clusters);

/// <summary>
/// The paper's embedding-clustering transfer (§2.2): superpixel embeddings of slices along each axis, standardized,
/// clustered by DBSCAN; the dense cluster(s) are background, the outliers object (or a <see cref="LinearProbe"/>
/// labels them). Along each axis the fraction of object superpixels per slice is a profile, cut by
/// <see cref="ProfileCut"/> with the same lossless-first rules as the rotation localizer. Works with the trunk of a
/// rotation- or a sorting-trained model.
/// </summary>
public sealed class ClusteringLocalizer : ILocalizer, IDisposable
{
    private readonly LoadedModel model;
    private readonly ClusteringLocalizerOptions options;

    public ClusteringLocalizer(string modelMetadataPath, ClusteringLocalizerOptions? options = null)
    {
        this.options = options ?? ClusteringLocalizerOptions.Default;
        if (this.options.Epsilon <= 0 || this.options.MinSamples < 1 || this.options.InputScale < 1 || this.options.SliceStep < 1 || this.options.BatchSize < 1)
        {
            throw new ArgumentException("ε must be > 0; min samples, input scale, slice step and batch size >= 1");
        }
        if (this.options.TorchThreads > 0)
        {
            TorchSharp.torch.set_num_threads(this.options.TorchThreads);
        }
        model = Checkpoint.Load(modelMetadataPath, TorchDevices.Select(this.options.Device));
    }

    public string Name => LocalizerSettings.Clustering;

    public string? ModelSha256 => model.WeightsSha256;

    public CheckpointMetadata ModelMetadata => model.Metadata;

    public LocalizationResult Localize(IVolumeReader volume, CancellationToken cancellationToken = default) =>
        Analyze(volume, cancellationToken).Result;

    public ClusteringAnalysis Analyze(IVolumeReader volume, CancellationToken cancellationToken = default)
    {
        var shape = volume.Info.Shape;
        var read = ModelSample.Read(volume, model.Metadata.Preprocessing, options.Limits);
        var sample = read.Sample;
        var embedder = new SuperpixelEmbedder(model, options.InputScale, options.ScalePerVolume, options.BatchSize);
        var superpixels = new List<Superpixel>();
        for (var axis = 0; axis < 3; axis++)
        {
            var length = sample.Shape[axis];
            var indices = Enumerable.Range(0, (length + options.SliceStep - 1) / options.SliceStep).Select(i => i * options.SliceStep)
                .Append(length - 1).Distinct().ToList();
            superpixels.AddRange(embedder.Embed(sample, axis, indices, cancellationToken));
        }
        var features = SuperpixelFeatures.Standardize(superpixels.Select(s => s.Embedding).ToList());
        DbscanResult? clusters = null;
        bool[] isObject;
        if (options.Probe is { } probe)
        {
            isObject = probe.Predict(features).Select(p => p >= 0.5f).ToArray();
        }
        else
        {
            clusters = Dbscan.Cluster(features, options.Epsilon, options.MinSamples);
            isObject = BackgroundClusters.ObjectMask(clusters, options.BackgroundClusterFraction);
        }

        var clearObject = isObject.Count(o => o) >= options.MinObjectFraction * isObject.Length;
        var evidence = options.Evidence is { } evidenceOptions ? SpecimenEvidence.Find(read.Raw, evidenceOptions) : null;
        var decisions = new AxisDecision[3];
        var profiles = new AxisProfile[3];
        for (var axis = 0; axis < 3; axis++)
        {
            (profiles[axis], decisions[axis]) = Decide(superpixels, isObject, axis, sample.Stride, shape[axis], clearObject);
            if (evidence is not null)
            {
                decisions[axis] = SpecimenEvidence.Cover(decisions[axis], evidence, axis, shape[axis], options.Evidence!);
            }
        }
        var box = new VoxelBox(decisions[0].Range, decisions[1].Range, decisions[2].Range);
        var seconds = read.Seconds();
        var result = new LocalizationResult(shape, box, decisions, profiles, Name, ModelSha256,
            seconds.Total, seconds.Read, seconds.Inference);
        return new ClusteringAnalysis(result, superpixels, features, isObject, clusters);
    }

    private (AxisProfile, AxisDecision) Decide(List<Superpixel> superpixels, bool[] isObject, int axis, int stride, int axisLength, bool clearObject)
    {
        var perSlice = new SortedDictionary<int, (int Object, int All)>();
        for (var i = 0; i < superpixels.Count; i++)
        {
            if (superpixels[i].Axis != axis)
            {
                continue;
            }
            perSlice.TryGetValue(superpixels[i].Slice, out var counts);
            perSlice[superpixels[i].Slice] = (counts.Object + (isObject[i] ? 1 : 0), counts.All + 1);
        }
        var positions = perSlice.Keys.Select(i => Math.Min(axisLength - 1, i * stride)).ToArray();
        var values = perSlice.Values.Select(c => (float)c.Object / c.All).ToArray();
        var threshold = ProfileCut.Threshold(values, options.Cut) ?? double.NaN;
        var profile = new AxisProfile(axis, positions, values, threshold);
        if (!clearObject)
        {
            var objectFraction = isObject.Length == 0 ? 0 : isObject.Count(o => o) / (double)isObject.Length;
            return (profile, new AxisDecision(new AxisRange(0, axisLength), 0, true,
                $"no clear object: {objectFraction:P1} of the superpixels are outliers (< {options.MinObjectFraction:P0}); kept the full extent"));
        }
        return (profile, ProfileCut.Decide(profile, axisLength, options.Cut));
    }

    public void Dispose() => model.Dispose();
}
