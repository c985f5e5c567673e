using TomoCrop.Watching;

namespace TomoCrop.Daemon.Options;

/// <summary>Section "Watch": the reconstruction directories watched, each with its output root.</summary>
public sealed class WatchOptions : IValidatedOptions
{
    public const string Section = "Watch";

    public List<WatchRootOptions> Roots { get; set; } = [];

    public IEnumerable<string> Problems(string section) => WatchRootOptions.ValidateAll(Roots, $"{section}:Roots");
}
