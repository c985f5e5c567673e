using TomoCrop.Daemon.Journal;
using TomoCrop.TestSupport;

namespace TomoCrop.Daemon.Tests;

public sealed class VolumeJournalTests
{
    private static readonly DateTime T0 = new(2026, 11, 28, 8, 0, 0, DateTimeKind.Utc);

    private static JournalEntry Entry(string source, JournalStage stage, int minute, string? output = null) => new()
    {
        TimeUtc = T0.AddMinutes(minute),
        SourcePath = source,
        Stage = stage,
        Version = new SourceVersion(1, 2, 3, T0, 1),
        OutputPath = output,
    };

    [Fact]
    public void Stages_survive_a_reopen_and_the_latest_stage_wins()
    {
        using var dir = new TempDirectory();
        using (var journal = new VolumeJournal(dir.Path))
        {
            journal.Record(Entry("/data/a.h5", JournalStage.Detected, 0, "/out/a.h5"));
            journal.Record(Entry("/data/a.h5", JournalStage.Cropping, 1));
            journal.Record(Entry("/data/b.h5", JournalStage.Quarantined, 2));
        }
        using var reopened = new VolumeJournal(dir.Path);
        Assert.Equal(JournalStage.Cropping, reopened.Latest("/data/a.h5")!.Stage);
        Assert.False(reopened.Latest("/data/a.h5")!.IsTerminal);
        Assert.True(reopened.Latest("/data/b.h5")!.IsTerminal);
        Assert.Null(reopened.Latest("/data/c.h5"));
        Assert.Equal(0, reopened.IgnoredLines);
    }

    [Fact]
    public void A_torn_last_line_is_ignored_and_counted()
    {
        using var dir = new TempDirectory();
        using (var journal = new VolumeJournal(dir.Path))
        {
            journal.Record(Entry("/data/a.h5", JournalStage.Published, 0));
        }
        File.AppendAllText(Path.Combine(dir.Path, VolumeJournal.FileName), "{\"time_utc\":\"2026-11-28T08:01:00Z\",\"sou");
        using var reopened = new VolumeJournal(dir.Path);
        Assert.Equal(1, reopened.IgnoredLines);
        Assert.Equal(JournalStage.Published, reopened.Latest("/data/a.h5")!.Stage);
        // Compaction at open dropped the torn line: the next open finds nothing to ignore.
        reopened.Dispose();
        using var again = new VolumeJournal(dir.Path);
        Assert.Equal(0, again.IgnoredLines);
    }

    [Fact]
    public void Compaction_keeps_one_line_per_volume()
    {
        using var dir = new TempDirectory();
        using (var journal = new VolumeJournal(dir.Path))
        {
            foreach (var (stage, i) in new[] { JournalStage.Detected, JournalStage.Localized, JournalStage.Cropping, JournalStage.Published }.Select((s, i) => (s, i)))
            {
                journal.Record(Entry("/data/a.h5", stage, i));
            }
        }
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir.Path, VolumeJournal.FileName)).Length);
        using var reopened = new VolumeJournal(dir.Path);
        Assert.Single(File.ReadAllLines(Path.Combine(dir.Path, VolumeJournal.FileName)));
        Assert.Equal(JournalStage.Published, reopened.Latest("/data/a.h5")!.Stage);
    }

    [Fact]
    public void Finished_volumes_whose_source_was_deleted_are_forgotten_after_the_retention_but_not_those_of_an_unmounted_root()
    {
        using var dir = new TempDirectory();
        var data = Directory.CreateDirectory(dir.File("data")).FullName;
        var kept = Path.Combine(data, "kept.h5");
        File.WriteAllText(kept, "");
        var deleted = Path.Combine(data, "deleted.h5");
        var recent = Path.Combine(data, "recent.h5");
        var unfinished = Path.Combine(data, "unfinished.h5");
        var unmounted = dir.File("gone-root/scan.h5");
        var journalDirectory = dir.File("journal");
        using (var journal = new VolumeJournal(journalDirectory))
        {
            journal.Record(Entry(kept, JournalStage.Published, 0));
            journal.Record(Entry(deleted, JournalStage.Published, 0));
            journal.Record(Entry(unfinished, JournalStage.Cropping, 0));
            journal.Record(Entry(unmounted, JournalStage.Published, 0));
            journal.Record(Entry(recent, JournalStage.Skipped, 60 * 24 * 29));
        }

        using var reopened = new VolumeJournal(journalDirectory, TimeSpan.FromDays(30), T0.AddDays(31));

        Assert.Equal(1, reopened.ForgottenEntries);
        Assert.Null(reopened.Latest(deleted));
        Assert.NotNull(reopened.Latest(kept));
        Assert.NotNull(reopened.Latest(unfinished));
        Assert.NotNull(reopened.Latest(unmounted));
        Assert.NotNull(reopened.Latest(recent));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(journalDirectory, VolumeJournal.FileName)).Length);
    }

    [Fact]
    public void Carry_keeps_values_of_earlier_stages()
    {
        var localized = Entry("/data/a.h5", JournalStage.Localized, 0, "/out/a.h5") with { BoxZyx = [[1, 2], [3, 4], [5, 6]], Method = "rotation" };
        var published = VolumeJournal.Carry(localized, Entry("/data/a.h5", JournalStage.Published, 1) with { Hash = "ab" });
        Assert.Equal("/out/a.h5", published.OutputPath);
        Assert.Equal("rotation", published.Method);
        Assert.Equal(5, published.BoxZyx![2][0]);
        Assert.Equal("ab", published.Hash);
        Assert.Equal(JournalStage.Published, published.Stage);
    }
}
