using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TomoCrop.Cropping.Publishing;
using TomoCrop.Daemon.Options;
using TomoCrop.Volumes;
using TomoCrop.Watching;

namespace TomoCrop.Daemon.FineTuning;

/// <summary>
/// The scans fine-tuning will learn from, without labels: a strided copy of each processed scan (every k-th voxel,
/// longest edge ≤ FineTuning:PoolEdgeVoxels, same dtype) as raw + sidecar under STATE/pool, oldest evicted beyond
/// FineTuning:PoolMiB. Reading the copy costs one strided pass over the scan, a few percent of the crop's reading.
/// A copy is filed on arrival either for training (pool/train) or, in the share FineTuning:HeldOutFraction, as a
/// held-out scan (pool/heldout) that no cycle ever trains on; the choice is made once, so it survives restarts.
/// </summary>
public sealed class TrainingPool
{
    private readonly FineTuningOptions _options;
    private readonly Globs _exclude;
    private readonly TimeProvider _time;
    private readonly ILogger<TrainingPool> _logger;
    private readonly object _gate = new();

    public TrainingPool(IOptions<FineTuningOptions> options, IOptions<StateOptions> state, TimeProvider time, ILogger<TrainingPool> logger)
    {
        _options = options.Value;
        _exclude = new Globs(_options.Exclude);
        _time = time;
        _logger = logger;
        Directory = state.Value.PoolDirectory;
    }

    public string Directory { get; }

    public bool Accepts(VolumeCandidate candidate) => _options.Enabled && !_exclude.Matches(candidate.RelativePath);

    /// <summary>Adds a copy of the scan; returns its path, or null when the scan is excluded or the pool is off.</summary>
    public string? Add(VolumeCandidate candidate, VolumeOpenOptions open, CancellationToken cancellationToken = default)
    {
        if (!Accepts(candidate))
        {
            return null;
        }
        System.IO.Directory.CreateDirectory(Directory);
        using var reader = VolumeIO.Open(candidate.Path, open);
        var info = reader.Info;
        var step = (int)Math.Ceiling((double)Math.Max(info.Shape.Z, Math.Max(info.Shape.Y, info.Shape.X)) / _options.PoolEdgeVoxels);
        var shape = VolumeSampling.StridedShape(VoxelBox.Full(info.Shape), step, step, step);
        var voxels = new byte[shape.VoxelCount * info.VoxelType.Size()];
        VolumeSampling.ReadStrided(reader, VoxelBox.Full(info.Shape), step, step, step, voxels, open.Limits);
        cancellationToken.ThrowIfCancellationRequested();

        var name = $"{_time.GetUtcNow().UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{Sanitize(candidate.RootName)}-{Sanitize(candidate.RelativePath)}.raw";
        var part = NextPart();
        System.IO.Directory.CreateDirectory(part);
        var path = Path.Combine(part, name);
        using (var output = AtomicOutput.BeginVolume(path, VolumeFormat.Raw))
        {
            using (var writer = VolumeIO.Create(output.TemporaryPath, shape, info.VoxelType, new VolumeWriteOptions { Format = VolumeFormat.Raw }))
            {
                writer.WriteSlices(voxels, shape.Z);
                writer.SetAttributes(new Dictionary<string, string>
                {
                    ["source_path"] = candidate.Path,
                    ["source_shape_zyx"] = $"{info.Shape.Z},{info.Shape.Y},{info.Shape.X}",
                    ["stride"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
                writer.Complete();
            }
            output.Publish();
        }
        Evict();
        return path;
    }

    public string TrainingDirectory => Path.Combine(Directory, "train");

    public string HeldOutDirectory => Path.Combine(Directory, "heldout");

    /// <summary>All copies, training and held-out, oldest first.</summary>
    public IReadOnlyList<string> Volumes() =>
        TrainingVolumes().Concat(HeldOutVolumes()).OrderBy(Path.GetFileName, StringComparer.Ordinal).ToList();

    /// <summary>Copies a cycle may train on, oldest first.</summary>
    public IReadOnlyList<string> TrainingVolumes() => List(TrainingDirectory);

    /// <summary>Copies set aside for the gate (never trained on), oldest first.</summary>
    public IReadOnlyList<string> HeldOutVolumes() => List(HeldOutDirectory);

    /// <summary>Copies that arrived after <paramref name="sinceUtc"/> (by the arrival time in their names).</summary>
    public int CountAddedSince(DateTime sinceUtc) => Volumes().Count(p => ArrivalUtc(p) > sinceUtc);

    private static DateTime ArrivalUtc(string path) =>
        DateTime.TryParseExact(Path.GetFileName(path).Split('-')[0], TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time) ? time : DateTime.MinValue;

    private const string TimeFormat = "yyyyMMddTHHmmssfff";

    private static IReadOnlyList<string> List(string directory) => System.IO.Directory.Exists(directory)
        ? System.IO.Directory.EnumerateFiles(directory, "*.raw").Where(p => !Path.GetFileName(p).StartsWith('.')).Order(StringComparer.Ordinal).ToList()
        : [];

    /// <summary>Held out while the held-out share is below the configured fraction (so the first copy is held out).</summary>
    private string NextPart()
    {
        lock (_gate)
        {
            var held = HeldOutVolumes().Count;
            var total = held + TrainingVolumes().Count;
            return held < _options.HeldOutFraction * (total + 1) ? HeldOutDirectory : TrainingDirectory;
        }
    }

    private void Evict()
    {
        lock (_gate)
        {
            var budget = (long)_options.PoolMiB << 20;
            var volumes = Volumes().Select(p => (Path: p, Bytes: new FileInfo(p).Length + SidecarBytes(p))).ToList();
            var total = volumes.Sum(v => v.Bytes);
            var remaining = volumes.GroupBy(v => Path.GetDirectoryName(v.Path)!).ToDictionary(g => g.Key, g => g.Count());
            // Oldest first, but never the newest copy of the pool nor the last copy of its part (training or held-out):
            // a cycle needs both.
            foreach (var (path, bytes) in volumes.Take(volumes.Count - 1))
            {
                if (total <= budget)
                {
                    break;
                }
                var part = Path.GetDirectoryName(path)!;
                if (remaining[part] <= 1)
                {
                    continue;
                }
                File.Delete(path);
                File.Delete(path + ".json");
                remaining[part]--;
                total -= bytes;
                _logger.LogDebug("training pool: evicted {Path}", path);
            }
        }
    }

    private static long SidecarBytes(string path) => File.Exists(path + ".json") ? new FileInfo(path + ".json").Length : 0;

    private static string Sanitize(string text) => string.Concat(text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
