using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using TomoCrop.Cropping;
using TomoCrop.Cropping.Provenance;
using TomoCrop.Cropping.Publishing;
using TomoCrop.Daemon.FineTuning;
using TomoCrop.Daemon.Health;
using TomoCrop.Daemon.Journal;
using TomoCrop.Daemon.Options;
using TomoCrop.Localization;
using TomoCrop.Reporting.Preview;
using TomoCrop.Reporting.Savings;
using TomoCrop.Volumes;
using TomoCrop.Watching;

namespace TomoCrop.Daemon.Processing;

/// <summary>What became of one volume.</summary>
public enum VolumeOutcome
{
    Published,
    AlreadyDone,
    Skipped,
    Deferred,
    Quarantined,
    Abandoned,
}

/// <summary>
/// One complete volume through localize → crop → verify → publish → report, each stage journalled before the next
/// begins. Transient I/O errors are retried (exponential backoff with jitter, bounded); a volume whose source
/// changes meanwhile is deferred (still being written); anything else wrong with it quarantines it with the reason.
/// </summary>
public sealed class VolumeProcessor
{
    private readonly VolumeJournal _journal;
    private readonly LocalizerWorker _localizer;
    private readonly TrainingPool _pool;
    private readonly SavingsLog _savings;
    private readonly WorkLoopHealth _health;
    private readonly TimeProvider _time;
    private readonly ILogger<VolumeProcessor> _logger;
    private readonly OutputOptions _output;
    private readonly IoLimits _limits;
    private readonly StateOptions _state;
    private readonly Dictionary<string, WatchRootOptions> _roots;
    private readonly ResiliencePipeline _retry;

    public VolumeProcessor(
        VolumeJournal journal, LocalizerWorker localizer, TrainingPool pool, SavingsLog savings, WorkLoopHealth health, TimeProvider time,
        IOptions<OutputOptions> output, IOptions<IoOptions> io, IOptions<StateOptions> state, IOptions<WatchOptions> watch,
        IOptions<ProcessingOptions> processing, ILogger<VolumeProcessor> logger)
    {
        _journal = journal;
        _localizer = localizer;
        _pool = pool;
        _savings = savings;
        _health = health;
        _time = time;
        _logger = logger;
        _output = output.Value;
        _limits = io.Value.ToLimits();
        _state = state.Value;
        _roots = watch.Value.Roots.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var attempts = processing.Value.RetryAttempts;
        _retry = attempts <= 1
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(processing.Value.RetryBaseSeconds),
                MaxDelay = TimeSpan.FromMinutes(10),
                OnRetry = args =>
                {
                    _logger.LogWarning("transient error, retry {Attempt} in {Delay:F1} s: {Error}",
                        args.AttemptNumber + 1, args.RetryDelay.TotalSeconds, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            }).Build();
    }

    /// <summary>True when this version of the source needs no work: finished before, or finished and then changed.</summary>
    public bool IsDone(VolumeCandidate candidate)
    {
        var latest = _journal.Latest(candidate.Path);
        return latest is { IsTerminal: true } && latest.Version == SourceVersions.From(candidate.Fingerprint);
    }

    public async Task<VolumeOutcome> ProcessAsync(VolumeCandidate candidate, int worker, CancellationToken cancellationToken)
    {
        if (IsDone(candidate))
        {
            return VolumeOutcome.AlreadyDone;
        }
        _health.WorkerBeat(worker);
        try
        {
            return await _retry.ExecuteAsync(
                async token => await AttemptAsync(candidate, worker, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Record(candidate, JournalStage.Abandoned, reason: "daemon stopping; resumed at the next start");
            _logger.LogWarning("{Source}: abandoned at shutdown; temporaries removed, resumed at the next start", candidate.Path);
            return VolumeOutcome.Abandoned;
        }
        catch (Exception e) when (SourceChanged(candidate))
        {
            Record(candidate, JournalStage.Deferred, reason: $"source changed while being processed: {e.Message}");
            _logger.LogInformation("{Source}: changed while being processed, still being written; will wait until it settles", candidate.Path);
            return VolumeOutcome.Deferred;
        }
        catch (Exception e)
        {
            Quarantine(candidate, Describe(e));
            return VolumeOutcome.Quarantined;
        }
        finally
        {
            _health.WorkerIdle(worker);
            ReturnMemory();
        }
    }

    /// <summary>
    /// A volume leaves large arrays behind (slabs, subsamples, tensors' managed mirrors) on the large-object heap,
    /// which is not compacted by default: over hours the daemon's footprint would creep up to the largest mix seen.
    /// One compacting collection per volume costs milliseconds against seconds of work.
    /// </summary>
    private static void ReturnMemory()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    private async Task<VolumeOutcome> AttemptAsync(VolumeCandidate candidate, int worker, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var root = _roots[candidate.RootName];
        var version = SourceVersions.From(candidate.Fingerprint);
        if (SourceVersions.Current(candidate.Path) != version)
        {
            Record(candidate, JournalStage.Deferred, reason: "changed since it was found complete");
            return VolumeOutcome.Deferred;
        }
        var previous = _journal.Latest(candidate.Path);
        if (previous is { IsTerminal: true, Stage: JournalStage.Published or JournalStage.OriginalDeleted })
        {
            // Rewritten after its crop was published: publishing again would need a second output for one source name.
            Record(candidate, JournalStage.Skipped, reason: $"changed after its crop {previous.OutputPath} was published; not cropped again");
            _logger.LogWarning("{Source}: changed after its crop was published; left alone (the published crop stays)", candidate.Path);
            return VolumeOutcome.Skipped;
        }

        var outputFormat = _output.ParsedFormat ?? candidate.Format;
        var outputPath = OutputLayout.OutputPathFor(root, candidate, outputFormat);
        if (previous is { IsTerminal: false } && TryFinishInterruptedPublication(candidate, previous, outputPath))
        {
            return VolumeOutcome.Published;
        }
        if (File.Exists(outputPath) || Directory.Exists(outputPath))
        {
            throw new VolumeException(candidate.Path, $"its output {outputPath} already exists; refusing to overwrite");
        }
        Record(candidate, JournalStage.Detected, output: outputPath);

        var open = new VolumeOpenOptions { DatasetPath = root.Dataset, Limits = _limits, Format = candidate.Format };
        LocalizationResult found;
        string? modelVersion;
        using (var reader = VolumeIO.Open(candidate.Path, open))
        {
            (found, modelVersion) = await _localizer.LocalizeAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        _health.WorkerBeat(worker);
        Record(candidate, JournalStage.Localized, box: found, modelVersion: modelVersion);

        var savedFraction = 1.0 - found.KeptFraction;
        if (savedFraction * 100 < _output.MinSavedPercent)
        {
            var reason = found.Axes.All(a => a.KeptFullExtent)
                ? "nothing to crop: " + string.Join("; ", found.Axes.Select(a => a.Reason))
                : $"the box would save {savedFraction * 100:F1} %, less than Output:MinSavedPercent {_output.MinSavedPercent}";
            if (_output.Preview)
            {
                // No crop to put it beside, but the picture shows a reviewer why nothing was cut.
                Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
                WritePreview(candidate, open, found, outputPath, cancellationToken);
            }
            AppendSavings(candidate, found, modelVersion, croppedBytes: null, outputPath: null, clock.Elapsed.TotalSeconds);
            Record(candidate, JournalStage.Skipped, reason: reason);
            _logger.LogInformation("{Source}: not cropped, {Reason}", candidate.Path, reason);
            AddToPool(candidate, open, cancellationToken);
            return VolumeOutcome.Skipped;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        Record(candidate, JournalStage.Cropping);
        var record = new Cropper(_time).Crop(new CropRequest
        {
            InputPath = candidate.Path,
            OutputPath = outputPath,
            Box = found.Box,
            Open = open,
            OutputFormat = outputFormat,
            Compression = _output.ParsedCompression,
            OutputDatasetPath = _output.Hdf5Dataset,
            Limits = _limits,
            VerifyFromStorage = _output.VerifyFromStorage,
            Localization = LocalizationJson.From(found),
            OnProgress = progress =>
            {
                _health.WorkerBeat(worker);
                if (progress.Stage == CropStage.Written)
                {
                    Record(candidate, JournalStage.Cropped);
                }
                else if (progress.Stage == CropStage.Verified)
                {
                    Record(candidate, JournalStage.Verified);
                }
            },
        }, cancellationToken);

        AppendSavings(candidate, found, modelVersion, record.OutputSizeBytes, record.OutputPath, clock.Elapsed.TotalSeconds);
        Record(candidate, JournalStage.Published, hash: record.OutputHash);
        // The picture and the pool copy read the source again; they follow publication, off the critical path.
        if (_output.Preview)
        {
            WritePreview(candidate, open, found, outputPath, cancellationToken);
        }
        _logger.LogInformation(
            "{Source}: published {Output} ({Format}, box {Box}, saved {Saved:F1} %, verified xxhash128 {Hash}, {Seconds:F1} s)",
            candidate.Path, record.OutputPath, record.OutputFormat, found.Box, record.SavedFraction * 100, record.OutputHash, clock.Elapsed.TotalSeconds);
        AddToPool(candidate, open, cancellationToken);
        return VolumeOutcome.Published;
    }

    /// <summary>
    /// A crash after the output's rename but before "published" reached the journal: the volume under its final name is
    /// the verified copy (the rename is the commit point, after verification). Recognise it by its crop record naming
    /// this very source version, and finish the bookkeeping instead of cropping twice.
    /// </summary>
    private bool TryFinishInterruptedPublication(VolumeCandidate candidate, JournalEntry previous, string outputPath)
    {
        var recordPath = CropRecord.PathFor(outputPath);
        var volumeExists = File.Exists(outputPath) || Directory.Exists(outputPath);
        if (!volumeExists)
        {
            if (File.Exists(recordPath) && IsOurRecord(recordPath, candidate))
            {
                // Companions are renamed before the volume: a record without its volume is an unfinished publication.
                File.Delete(recordPath);
                _logger.LogWarning("{Source}: removed {Record} left by an interrupted publication", candidate.Path, recordPath);
            }
            return false;
        }
        if (!File.Exists(recordPath) || !IsOurRecord(recordPath, candidate))
        {
            return false;
        }
        var record = CropRecord.Load(recordPath);
        Record(candidate, JournalStage.Verified, hash: record.OutputHash);
        AppendSavings(candidate, record.BoxZyx, previous.Confidence ?? [], previous.Method ?? "", previous.ModelVersion ?? previous.Model,
            record.OutputSizeBytes, record.OutputPath, record.Seconds);
        Record(candidate, JournalStage.Published, hash: record.OutputHash, reason: "publication finished after a restart");
        _logger.LogInformation("{Source}: its crop {Output} was published before an interruption; journal completed", candidate.Path, outputPath);
        return true;
    }

    private static bool IsOurRecord(string recordPath, VolumeCandidate candidate)
    {
        try
        {
            var record = CropRecord.Load(recordPath);
            return record.Verified && record.SourcePath == Path.GetFullPath(candidate.Path)
                && record.SourceInode == candidate.Fingerprint.Inode && record.SourceSizeBytes == candidate.Fingerprint.SizeBytes
                && record.OutputHash == record.SourceHash;
        }
        catch (Exception e) when (e is IOException or JsonException or VolumeException or InvalidOperationException)
        {
            return false;
        }
    }

    private void WritePreview(VolumeCandidate candidate, VolumeOpenOptions open, LocalizationResult found, string outputPath, CancellationToken cancellationToken)
    {
        var previewPath = OutputLayout.PreviewPathFor(outputPath);
        try
        {
            using var reader = VolumeIO.Open(candidate.Path, open);
            using var png = AtomicOutput.Begin(previewPath);
            PreviewRenderer.Render(reader, found, truth: null, png.TemporaryPath, cancellationToken: cancellationToken);
            png.Publish();
        }
        catch (Exception e)
        {
            // A picture is a convenience: its failure, or a shutdown meanwhile, must not undo a publication.
            _logger.LogWarning("{Source}: preview {Preview} not written: {Error}", candidate.Path, previewPath, e.Message);
        }
    }

    /// <summary>A strided copy for fine-tuning; like the preview, its failure never fails the volume.</summary>
    private void AddToPool(VolumeCandidate candidate, VolumeOpenOptions open, CancellationToken cancellationToken)
    {
        try
        {
            if (_pool.Add(candidate, open, cancellationToken) is { } copy)
            {
                _logger.LogDebug("{Source}: training pool copy {Copy}", candidate.Path, copy);
            }
        }
        catch (Exception e) when (e is IOException or VolumeException or UnauthorizedAccessException or OperationCanceledException)
        {
            _logger.LogWarning("{Source}: not added to the training pool: {Error}", candidate.Path, e.Message);
        }
    }

    private void AppendSavings(
        VolumeCandidate candidate, LocalizationResult found, string? modelVersion, long? croppedBytes, string? outputPath, double seconds) =>
        AppendSavings(candidate, found.Box.ToJsonArray(), found.Confidence.Select(c => Math.Round(c, 4)).ToArray(), found.Method,
            modelVersion ?? found.ModelSha256, croppedBytes ?? candidate.Fingerprint.SizeBytes, outputPath ?? "", seconds);

    private void AppendSavings(
        VolumeCandidate candidate, int[][] box, double[] confidence, string method, string? model, long croppedBytes, string outputPath, double seconds) =>
        _savings.Append(new SavingsRecord
        {
            TimeUtc = _time.GetUtcNow().UtcDateTime,
            SourcePath = candidate.Path,
            Root = candidate.RootName,
            Format = candidate.Format.Name(),
            OriginalBytes = candidate.Fingerprint.SizeBytes,
            CroppedBytes = croppedBytes,
            BoxZyx = box,
            Confidence = confidence,
            Method = method,
            ModelVersion = model,
            Seconds = Math.Round(seconds, 3),
            OutputPath = outputPath,
        });

    private void Record(
        VolumeCandidate candidate, JournalStage stage, string? output = null, LocalizationResult? box = null, string? hash = null,
        string? reason = null, string? modelVersion = null)
    {
        var entry = new JournalEntry
        {
            TimeUtc = _time.GetUtcNow().UtcDateTime,
            SourcePath = candidate.Path,
            Stage = stage,
            Root = candidate.RootName,
            Format = candidate.Format.Name(),
            Version = SourceVersions.From(candidate.Fingerprint),
            OutputPath = output,
            BoxZyx = box?.Box.ToJsonArray(),
            Confidence = box?.Confidence.Select(c => Math.Round(c, 4)).ToArray(),
            Method = box?.Method,
            Model = box?.ModelSha256,
            ModelVersion = modelVersion,
            Hash = hash,
            Reason = reason,
        };
        _journal.Record(VolumeJournal.Carry(_journal.Latest(candidate.Path), entry));
    }

    /// <summary>The note first, the journal's terminal stage last: whoever sees "quarantined" finds the note.</summary>
    private void Quarantine(VolumeCandidate candidate, string reason)
    {
        try
        {
            Directory.CreateDirectory(_state.QuarantineDirectory);
            var note = new JsonObject
            {
                ["source"] = candidate.Path,
                ["root"] = candidate.RootName,
                ["format"] = candidate.Format.Name(),
                ["reason"] = reason,
                ["time_utc"] = _time.GetUtcNow().UtcDateTime,
                ["what_to_do"] = "the original is untouched; fix or remove it, or touch it to have it processed again",
            };
            var name = candidate.RootName + "__" + candidate.RelativePath.Replace('/', '_') + ".json";
            DurableFile.Replace(Path.Combine(_state.QuarantineDirectory, name), JsonSerializer.SerializeToUtf8Bytes(note, new JsonSerializerOptions { WriteIndented = true }));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("cannot write the quarantine note for {Source}: {Error}", candidate.Path, e.Message);
        }
        Record(candidate, JournalStage.Quarantined, reason: reason);
        _logger.LogError("{Source}: quarantined: {Reason}", candidate.Path, reason);
    }

    private bool SourceChanged(VolumeCandidate candidate) => SourceVersions.Current(candidate.Path) != SourceVersions.From(candidate.Fingerprint);

    /// <summary>I/O that may succeed later (a network filesystem hiccup); not bad data, not a missing file.</summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => false,
        VolumeException { InnerException: IOException inner } => IsTransient(inner),
        VolumeException => false,
        IOException => true,
        _ => false,
    };

    private static string Describe(Exception e) => e switch
    {
        VolumeException or IOException or UnauthorizedAccessException => e.Message.ReplaceLineEndings(" "),
        _ => $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}",
    };
}
