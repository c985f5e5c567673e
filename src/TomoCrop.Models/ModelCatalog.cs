namespace TomoCrop.Models;

/// <summary>
/// Where the shipped rotation model is found: $TOMOCROP_MODEL if set, else models/rotation-default.json beside the
/// executable, else in the nearest ancestor directory that has one (a source checkout).
/// </summary>
public static class ModelCatalog
{
    public const string EnvironmentVariable = "TOMOCROP_MODEL";
    public const string DefaultFileName = "rotation-default.json";

    public static string DefaultModelPath => Find(AppContext.BaseDirectory, Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static string Find(string startDirectory, string? overridePath)
    {
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            return Path.GetFullPath(overridePath);
        }
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "models", DefaultFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new ModelException(Path.Combine(startDirectory, "models", DefaultFileName),
            $"default model not found here or in any parent directory; set {EnvironmentVariable} or pass a model path");
    }
}
