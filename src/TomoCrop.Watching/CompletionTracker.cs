using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TomoCrop.Cropping.Publishing;

namespace TomoCrop.Watching;

/// <summary>A volume the tracker is still waiting for, and why (for logs and status).</summary>
public sealed record PendingVolume(VolumeCandidate Candidate, string Reason, DateTimeOffset LastChange);

/// <summary>
/// Decides, scan after scan, when each volume is completely written. A volume is returned once when its fingerprint
/// has been unchanged for <see cref="CompletionOptions.QuietSeconds"/> on the injected clock, or earlier when its
/// marker (PATH + <see cref="CompletionOptions.MarkerSuffix"/>; for a stack directory the sibling DIR.done) exists and
/// is not older than the volume's last change; with <see cref="CompletionOptions.RequireMarker"/> only the marker
/// counts. It must then pass <see cref="CompletenessProbe"/>; a failing probe means "still being written": the volume
/// keeps waiting with the probe's reason in <see cref="Pending"/>. A changed fingerprint restarts the quiet clock and
/// makes a returned volume eligible again (the journal knows whether that content was done). The quiet clock starts
/// when the tracker first sees a volume, never from its mtime: clocks of remote writers cannot be trusted.
/// </summary>
/// <remarks>
/// <see cref="Update"/> takes everything this tracker follows (one tracker per root, or all roots' scans together):
/// paths absent from it are forgotten. Not thread-safe: one work loop calls it.
/// </remarks>
public sealed class CompletionTracker
{
    private readonly CompletionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, TrackedVolume> _tracked = new(StringComparer.Ordinal);

    public CompletionTracker(CompletionOptions options, TimeProvider time, ILogger? logger = null)
    {
        _options = options;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Volumes seen but not (or no longer) returned as complete, with what they wait for.</summary>
    public IReadOnlyList<PendingVolume> Pending =>
        [.. _tracked.Values.Where(t => !t.Returned).Select(t => new PendingVolume(t.Candidate, t.Reason, t.LastChange))
            .OrderBy(p => p.Candidate.Path, StringComparer.Ordinal)];

    /// <summary>Number of volumes followed (pending or returned and unchanged since).</summary>
    public int TrackedCount => _tracked.Count;

    /// <summary>Takes a fresh scan and returns the volumes that became complete since the last call (each once).</summary>
    public IReadOnlyList<VolumeCandidate> Update(IReadOnlyList<VolumeCandidate> scan)
    {
        var now = _time.GetUtcNow();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var complete = new List<VolumeCandidate>();
        foreach (var candidate in scan)
        {
            if (!seen.Add(candidate.Path))
            {
                continue;
            }
            if (!_tracked.TryGetValue(candidate.Path, out var tracked))
            {
                tracked = new TrackedVolume(candidate, now);
                _tracked.Add(candidate.Path, tracked);
            }
            else if (tracked.Candidate.Fingerprint != candidate.Fingerprint)
            {
                if (tracked.Returned)
                {
                    _logger.LogInformation("{Path} changed after it was complete ({Fingerprint}); waiting for it to settle again", candidate.Path, candidate.Fingerprint);
                }
                tracked.Restart(candidate, now);
            }
            else
            {
                tracked.Candidate = candidate;
            }
            if (!tracked.Returned && IsComplete(tracked, now))
            {
                tracked.Returned = true;
                complete.Add(tracked.Candidate);
            }
        }
        foreach (var path in _tracked.Keys.Where(p => !seen.Contains(p)).ToList())
        {
            _tracked.Remove(path);
        }
        return complete;
    }

    /// <summary>Drops what is known about <paramref name="path"/>: seen again, it starts over as new.</summary>
    public void Forget(string path) => _tracked.Remove(path);

    private bool IsComplete(TrackedVolume tracked, DateTimeOffset now)
    {
        var candidate = tracked.Candidate;
        var quietFor = now - tracked.LastChange;
        var marker = candidate.Path + _options.MarkerSuffix;
        var markerSaysDone = !string.IsNullOrEmpty(_options.MarkerSuffix) && MarkerIsCurrent(marker, candidate.Fingerprint);
        if (_options.RequireMarker ? !markerSaysDone : !markerSaysDone && quietFor < _options.QuietPeriod)
        {
            tracked.Reason = _options.RequireMarker
                ? $"waiting for marker {marker}"
                : $"unchanged for {quietFor.TotalSeconds:0} s of {_options.QuietSeconds:0.##} s";
            return false;
        }
        var probe = CompletenessProbe.Check(candidate, candidate.DatasetPath);
        if (ChangedSince(candidate) is { } changed)
        {
            tracked.Restart(candidate with { Fingerprint = changed }, now);
            tracked.Reason = "changed while being checked";
            return false;
        }
        if (probe.Complete)
        {
            _logger.LogDebug("{Path} is complete ({Rule})", candidate.Path, markerSaysDone ? $"marker {marker}" : $"unchanged for {quietFor.TotalSeconds:0} s");
            return true;
        }
        tracked.Reason = probe.Reason ?? "completeness check failed";
        tracked.ProbeFailingSince ??= now;
        var giveUp = TimeSpan.FromSeconds(_options.ProbeGiveUpSeconds);
        if (_options.ProbeGiveUpSeconds > 0 && quietFor >= giveUp)
        {
            _logger.LogWarning("{Path} has not changed for {Seconds:0} s but still looks incomplete ({Reason}); handing it on so it is quarantined with the reason",
                candidate.Path, quietFor.TotalSeconds, tracked.Reason);
            return true;
        }
        if (tracked.ProbeFailingSince == now)
        {
            _logger.LogInformation("{Path} settled but looks incomplete, waiting: {Reason}", candidate.Path, tracked.Reason);
        }
        return false;
    }

    /// <summary>A marker counts only if written after the volume's last change: a stale marker from an earlier run must not pass a rewrite.</summary>
    private static bool MarkerIsCurrent(string marker, SourceFingerprint fingerprint)
    {
        var info = new FileInfo(marker);
        return info.Exists && info.LastWriteTimeUtc >= fingerprint.ModifiedUtc;
    }

    /// <summary>The new fingerprint when the volume changed since its scan (the probe took time), null when it did not.</summary>
    private static SourceFingerprint? ChangedSince(VolumeCandidate candidate)
    {
        try
        {
            var identity = FileIdentity.Of(candidate.Path);
            return candidate.Fingerprint.SameSourceAs(identity) ? null : SourceFingerprint.From(identity, candidate.Fingerprint.FileCount);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return default(SourceFingerprint); // vanished: the next scan forgets it
        }
    }

    private sealed class TrackedVolume(VolumeCandidate candidate, DateTimeOffset firstSeen)
    {
        public VolumeCandidate Candidate { get; set; } = candidate;

        public DateTimeOffset LastChange { get; private set; } = firstSeen;

        public bool Returned { get; set; }

        public string Reason { get; set; } = "just seen";

        public DateTimeOffset? ProbeFailingSince { get; set; }

        public void Restart(VolumeCandidate candidate, DateTimeOffset now)
        {
            Candidate = candidate;
            LastChange = now;
            Returned = false;
            Reason = "changed";
            ProbeFailingSince = null;
        }
    }
}
