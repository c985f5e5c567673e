using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TomoCrop.Cropping.Provenance;
using TomoCrop.Daemon.Journal;
using TomoCrop.Daemon.Options;
using TomoCrop.Daemon.Processing;
using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Originals;

/// <summary>
/// Deletes an original only when asked to (Originals:DeleteAfterVerify), after the grace period, and only when every
/// proof holds: the journal says published, the crop record says verified with equal source and output hashes, the
/// published crop is still there, and the original is the very file that was cropped (device, inode, size, mtime).
/// In dry-run mode it logs what it would delete.
/// </summary>
internal sealed class OriginalsReaper(
    VolumeJournal journal, IOptions<OriginalsOptions> options, TimeProvider time, ILogger<OriginalsReaper> logger) : BackgroundService
{
    private readonly HashSet<string> _reportedDryRun = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.DeleteAfterVerify)
        {
            return;
        }
        logger.LogWarning("originals are deleted {Grace} h after a verified crop{DryRun}", settings.GraceHours, settings.DryRun ? " (dry run: only logged)" : "");
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.CheckIntervalSeconds), time);
        do
        {
            foreach (var entry in journal.All().Where(e => e.Stage == JournalStage.Published))
            {
                stoppingToken.ThrowIfCancellationRequested();
                TryDelete(entry, settings);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    internal bool TryDelete(JournalEntry entry, OriginalsOptions settings)
    {
        if (time.GetUtcNow().UtcDateTime - entry.TimeUtc < TimeSpan.FromHours(settings.GraceHours))
        {
            return false;
        }
        if (WhyNotDeletable(entry) is { } reason)
        {
            logger.LogDebug("{Source}: original kept: {Reason}", entry.SourcePath, reason);
            return false;
        }
        var format = VolumeFormatNames.TryParse(entry.Format ?? "", out var f) ? f : VolumeFormat.Hdf5;
        if (settings.DryRun)
        {
            if (_reportedDryRun.Add(entry.SourcePath))
            {
                logger.LogInformation("{Source}: dry run: would delete the original (verified crop {Output})", entry.SourcePath, entry.OutputPath);
            }
            return false;
        }
        var files = VolumeIO.SourceFiles(entry.SourcePath, format);
        foreach (var file in files)
        {
            File.Delete(file);
        }
        if (format == VolumeFormat.TiffStack && !Directory.EnumerateFileSystemEntries(entry.SourcePath).Any())
        {
            Directory.Delete(entry.SourcePath);
        }
        journal.Record(entry with { TimeUtc = time.GetUtcNow().UtcDateTime, Stage = JournalStage.OriginalDeleted, Reason = $"{files.Count} file(s) deleted after verified crop" });
        logger.LogInformation("{Source}: original deleted ({Files} file(s)); its verified crop is {Output}", entry.SourcePath, files.Count, entry.OutputPath);
        return true;
    }

    /// <summary>Null when every proof holds; else the first that fails.</summary>
    private static string? WhyNotDeletable(JournalEntry entry)
    {
        if (entry.OutputPath is null || entry.Version is null || entry.Hash is null)
        {
            return "journal entry lacks output, version or hash";
        }
        if (!File.Exists(entry.OutputPath) && !Directory.Exists(entry.OutputPath))
        {
            return $"published crop {entry.OutputPath} is missing";
        }
        var recordPath = CropRecord.PathFor(entry.OutputPath);
        CropRecord record;
        try
        {
            record = CropRecord.Load(recordPath);
        }
        catch (Exception e) when (e is IOException or VolumeException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return $"crop record unreadable: {e.Message}";
        }
        if (!record.Verified || record.OutputHash != record.SourceHash || record.OutputHash != entry.Hash)
        {
            return "crop record does not show a verified, matching hash";
        }
        if (SourceVersions.Current(entry.SourcePath) is not { } now)
        {
            return "original is gone already";
        }
        if (now != entry.Version)
        {
            return $"original changed since the crop (now {now}, cropped {entry.Version})";
        }
        return null;
    }
}
