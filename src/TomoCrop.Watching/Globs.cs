using Microsoft.Extensions.FileSystemGlobbing;

namespace TomoCrop.Watching;

/// <summary>A set of globs matched in memory (never on disk) against a name or a '/'-separated relative path, case-sensitively.</summary>
public sealed class Globs
{
    private readonly Matcher? _matcher;

    public Globs(IEnumerable<string>? patterns)
    {
        var list = patterns?.Where(p => !string.IsNullOrWhiteSpace(p)).ToList() ?? [];
        if (list.Count > 0)
        {
            _matcher = new Matcher(StringComparison.Ordinal);
            _matcher.AddIncludePatterns(list);
        }
    }

    public bool IsEmpty => _matcher is null;

    public bool Matches(string relativePath) => _matcher is not null && _matcher.Match(relativePath).HasMatches;
}
