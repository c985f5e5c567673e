namespace TomoCrop.Daemon.Options;

/// <summary>Section "State": where the journal, logs, savings records, quarantine notes and the model registry live.</summary>
public sealed class StateOptions : IValidatedOptions
{
    public const string Section = "State";

    public string Directory { get; set; } = "/var/lib/tomocrop";

    /// <summary>Days a finished volume whose source was deleted stays in the journal; 0 keeps every entry.</summary>
    public int JournalForgetDays { get; set; } = 30;

    public string JournalDirectory => Path.Combine(Directory, "journal");
    public string SavingsDirectory => Path.Combine(Directory, "savings");
    public string QuarantineDirectory => Path.Combine(Directory, "quarantine");
    /// <summary>The rotation model's registry (the name predates the sorting registry; existing deployments keep it).</summary>
    public string ModelsDirectory => Path.Combine(Directory, "models");

    /// <summary>The sorting model's registry (the clustering localizer's trunk).</summary>
    public string SortingModelsDirectory => Path.Combine(Directory, "models-sorting");
    public string PoolDirectory => Path.Combine(Directory, "pool");
    public string FineTuningDirectory => Path.Combine(Directory, "finetune");

    public IEnumerable<string> Problems(string section)
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            yield return $"{section}:Directory: must be set";
        }
        else if (!Path.IsPathFullyQualified(Directory))
        {
            yield return $"{section}:Directory: must be an absolute path, not '{Directory}'";
        }
        if (JournalForgetDays < 0)
        {
            yield return $"{section}:JournalForgetDays: must be 0 (keep all) or more, not {JournalForgetDays}";
        }
    }
}
