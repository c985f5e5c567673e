using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TomoCrop.Cropping.Publishing;
using TomoCrop.Daemon.Journal;
using TomoCrop.Daemon.Options;
using TomoCrop.Daemon.Processing;
using TomoCrop.Models;
using TomoCrop.Watching;

namespace TomoCrop.Daemon.Hosting;

/// <summary>Start-up refused; each problem names the configuration key or the path at fault.</summary>
public sealed class StartupCheckException(IReadOnlyList<string> problems)
    : Exception("start-up checks failed: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Run before the host starts: every section valid, the state directory writable, every watch root readable and its
/// output root writable, the model loadable with the pinned sha256. Only when all hold does the host start, and
/// only then does systemd hear READY=1.
/// </summary>
public sealed class StartupChecks(IServiceProvider services, ILogger<StartupChecks> logger)
{
    /// <summary>Throws <see cref="StartupCheckException"/> listing every problem found.</summary>
    public void Run()
    {
        var problems = new List<string>();
        Validate<StateOptions>(StateOptions.Section, problems);
        Validate<WatchOptions>(WatchOptions.Section, problems);
        Validate<OutputOptions>(OutputOptions.Section, problems);
        Validate<OriginalsOptions>(OriginalsOptions.Section, problems);
        Validate<ProcessingOptions>(ProcessingOptions.Section, problems);
        Validate<IoOptions>(IoOptions.Section, problems);
        Validate<DaemonLoggingOptions>(DaemonLoggingOptions.Section, problems);
        Validate<LocalizerOptions>(LocalizerOptions.Section, problems);
        Validate<FineTuningOptions>(FineTuningOptions.Section, problems);
        try
        {
            problems.AddRange(services.GetRequiredService<IOptions<CompletionOptions>>().Value.Validate("Completion"));
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }
        if (problems.Count == 0)
        {
            CheckDirectories(problems);
        }
        if (problems.Count == 0)
        {
            CheckModel(problems);
        }
        if (problems.Count > 0)
        {
            throw new StartupCheckException(problems);
        }
        RemoveStaleTemporaries();
        logger.LogInformation("start-up checks passed");
    }

    private void Validate<T>(string section, List<string> problems)
        where T : class, IValidatedOptions
    {
        try
        {
            problems.AddRange(services.GetRequiredService<IOptions<T>>().Value.Problems(section));
        }
        catch (InvalidOperationException e)
        {
            // Binding failed, e.g. "Failed to convert configuration value at 'Processing:QueueCapacity' to type 'System.Int32'".
            problems.Add(e.Message);
        }
    }

    private void CheckDirectories(List<string> problems)
    {
        var state = services.GetRequiredService<IOptions<StateOptions>>().Value;
        CheckWritable(state.Directory, "State:Directory", problems, create: true);
        var roots = services.GetRequiredService<IOptions<WatchOptions>>().Value.Roots;
        // Existence and layout were validated with the options; here: can we actually read and write there.
        for (var i = 0; i < roots.Count; i++)
        {
            var root = roots[i];
            try
            {
                using var entries = Directory.EnumerateFileSystemEntries(root.Path).GetEnumerator();
                entries.MoveNext();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"Watch:Roots:{i}:Path: {root.Path} is not readable: {e.Message}");
            }
            CheckWritable(root.Output, $"Watch:Roots:{i}:Output", problems, create: false);
        }
    }

    private static void CheckWritable(string directory, string key, List<string> problems, bool create)
    {
        try
        {
            if (create)
            {
                Directory.CreateDirectory(directory);
            }
            else if (!Directory.Exists(directory))
            {
                problems.Add($"{key}: {directory} does not exist");
                return;
            }
            var probe = Path.Combine(directory, $".tomocrop-write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{key}: {directory} is not writable: {e.Message}");
        }
    }

    private void CheckModel(List<string> problems)
    {
        var worker = services.GetRequiredService<LocalizerWorker>();
        try
        {
            var localizer = worker.Load();
            var pinned = worker.Options.ModelSha256;
            if (!string.IsNullOrWhiteSpace(pinned) && !string.Equals(pinned, localizer.ModelSha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"Localizer:ModelSha256: the model has sha256 {localizer.ModelSha256 ?? "(none)"}, not the pinned {pinned}");
                return;
            }
            logger.LogInformation("localizer {Method} ready (model {Version}, sha256 {Sha256})", localizer.Name, worker.ModelVersion ?? "file", localizer.ModelSha256 ?? "-");
        }
        catch (Exception e) when (e is ModelException or IOException or FormatException or UnauthorizedAccessException)
        {
            problems.Add($"Localizer:ModelPath: {e.Message}");
        }
    }

    /// <summary>Hidden temporaries of a killed predecessor, in the output directories of unfinished volumes.</summary>
    private void RemoveStaleTemporaries()
    {
        var journal = services.GetRequiredService<VolumeJournal>();
        if (journal.IgnoredLines > 0)
        {
            logger.LogWarning("journal {Journal}: {Lines} unreadable line(s) ignored (torn write at a crash)", journal.PathName, journal.IgnoredLines);
        }
        if (journal.ForgottenEntries > 0)
        {
            logger.LogInformation("journal {Journal}: {Count} finished volume(s) whose source was deleted were forgotten (State:JournalForgetDays)", journal.PathName, journal.ForgottenEntries);
        }
        var directories = journal.All()
            .Where(e => !e.IsTerminal && e.OutputPath is not null)
            .Select(e => Path.GetDirectoryName(e.OutputPath!.TrimEnd('/'))!)
            .Distinct(StringComparer.Ordinal);
        foreach (var directory in directories.Where(Directory.Exists))
        {
            var removed = AtomicOutput.RemoveStaleTemporaries(directory);
            if (removed > 0)
            {
                logger.LogWarning("{Directory}: removed {Count} temporary file(s) of an interrupted crop", directory, removed);
            }
        }
    }
}
