using TomoCrop.Watching;

namespace TomoCrop.Daemon.Options;

/// <summary>Section "Watch": the reconstruction directories watched, each with its output root.</summary>
public sealed class WatchOptions : IValidatedOptions
{
    public const string Section = "Watch";

    public List<WatchRootOptions> Roots { get; set; } = [];

    public IEnumerable<string> Problems(string section)
    {
        if (Roots.Count == 0)
        {
            yield return $"{section}:Roots: no watch root configured (give one with --watch/--output, or in appsettings.json)";
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Roots.Count; i++)
        {
            var root = Roots[i];
            if (!names.Add(root.Name))
            {
                yield return $"{section}:Roots:{i}:Name: '{root.Name}' is used by two roots";
            }
            foreach (var problem in root.Validate($"{section}:Roots:{i}"))
            {
                yield return problem;
            }
        }
    }
}
