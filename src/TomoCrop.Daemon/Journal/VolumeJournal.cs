using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TomoCrop.Cropping.Publishing;

namespace TomoCrop.Daemon.Journal;

/// <summary>
/// The durable record of what happened to each volume: an append-only JSON-lines file, one fsynced line per stage.
/// Replayed at start so a restart resumes unfinished volumes and never publishes a finished one twice. A torn last
/// line (power cut mid-append) is ignored. At start the file is compacted to the latest entry per volume, and a
/// finished volume whose source is gone (deleted from a directory that is still there, so not an unmounted root) is
/// forgotten once its entry is older than the retention: the journal does not grow with every scan ever seen.
/// </summary>
public sealed class VolumeJournal : IDisposable
{
    public const string FileName = "journal.jsonl";

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly object _gate = new();
    private readonly Dictionary<string, JournalEntry> _latest = new(StringComparer.Ordinal);
    private readonly FileStream _file;

    /// <param name="forgetGoneAfter">Retention of finished entries whose source is gone; null keeps every entry.</param>
    /// <param name="nowUtc">The present, for the retention (injected so tests are deterministic).</param>
    public VolumeJournal(string directory, TimeSpan? forgetGoneAfter = null, DateTime? nowUtc = null)
    {
        Directory.CreateDirectory(directory);
        PathName = Path.Combine(directory, FileName);
        IgnoredLines = Replay(PathName, _latest);
        if (forgetGoneAfter is { } retention)
        {
            ForgottenEntries = ForgetGone((nowUtc ?? DateTime.UtcNow) - retention);
        }
        Compact();
        _file = new FileStream(PathName, FileMode.Append, FileAccess.Write, FileShare.Read, 1);
    }

    public string PathName { get; }

    /// <summary>Unreadable lines found at start (a torn last line after a crash); reported in the log.</summary>
    public int IgnoredLines { get; }

    /// <summary>Finished entries of sources that are gone, dropped at start.</summary>
    public int ForgottenEntries { get; }

    public JournalEntry? Latest(string sourcePath)
    {
        lock (_gate)
        {
            return _latest.GetValueOrDefault(sourcePath);
        }
    }

    public IReadOnlyList<JournalEntry> All()
    {
        lock (_gate)
        {
            return [.. _latest.Values];
        }
    }

    /// <summary>Appends and fsyncs one entry; when this returns the stage survives a crash.</summary>
    public void Record(JournalEntry entry)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, Json) + "\n");
        lock (_gate)
        {
            _file.Write(line);
            _file.Flush(flushToDisk: true);
            _latest[entry.SourcePath] = entry;
        }
    }

    /// <summary>The entry of the most recent stage that carried a value (e.g. the box from Localized).</summary>
    public static JournalEntry Carry(JournalEntry? previous, JournalEntry next) => previous is null
        ? next
        : next with
        {
            Root = next.Root ?? previous.Root,
            Format = next.Format ?? previous.Format,
            Version = next.Version ?? previous.Version,
            OutputPath = next.OutputPath ?? previous.OutputPath,
            BoxZyx = next.BoxZyx ?? previous.BoxZyx,
            Confidence = next.Confidence ?? previous.Confidence,
            Method = next.Method ?? previous.Method,
            Model = next.Model ?? previous.Model,
            ModelVersion = next.ModelVersion ?? previous.ModelVersion,
            Hash = next.Hash ?? previous.Hash,
        };

    public void Dispose() => _file.Dispose();

    private static int Replay(string path, Dictionary<string, JournalEntry> latest)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        var ignored = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }
            try
            {
                var entry = JsonSerializer.Deserialize<JournalEntry>(line, Json);
                if (entry is not null)
                {
                    latest[entry.SourcePath] = entry;
                }
            }
            catch (JsonException)
            {
                ignored++;
            }
        }
        return ignored;
    }

    private int ForgetGone(DateTime olderThanUtc)
    {
        var gone = _latest.Values
            .Where(e => e.IsTerminal && e.TimeUtc < olderThanUtc && !File.Exists(e.SourcePath) && !Directory.Exists(e.SourcePath)
                && Directory.Exists(Path.GetDirectoryName(e.SourcePath)))
            .Select(e => e.SourcePath)
            .ToList();
        foreach (var source in gone)
        {
            _latest.Remove(source);
        }
        return gone.Count;
    }

    /// <summary>Rewrites the journal as its latest entries, atomically.</summary>
    private void Compact()
    {
        if (File.Exists(PathName))
        {
            var lines = _latest.Values.OrderBy(e => e.TimeUtc).Select(e => JsonSerializer.Serialize(e, Json) + "\n");
            DurableFile.Replace(PathName, Encoding.UTF8.GetBytes(string.Concat(lines)));
        }
    }
}
