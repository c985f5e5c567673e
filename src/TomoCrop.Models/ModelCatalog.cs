namespace TomoCrop.Models;

/// <summary>
/// Where the shipped models are found: the rotation model at $TOMOCROP_MODEL if set, else models/rotation-default.json
/// beside the executable, else in the nearest ancestor directory that has one (a source checkout); the sorting model
/// (the clustering localizer's default trunk) likewise at $TOMOCROP_SORTING_MODEL or models/sorting-default.json.
/// </summary>
public static class ModelCatalog
{
    public const string EnvironmentVariable = "TOMOCROP_MODEL";
    public const string DefaultFileName = "rotation-default.json";
    public const string SortingEnvironmentVariable = "TOMOCROP_SORTING_MODEL";
    public const string SortingFileName = "sorting-default.json";

    public static string DefaultModelPath => Find(AppContext.BaseDirectory, Environment.GetEnvironmentVariable(EnvironmentVariable));

    public static string DefaultSortingModelPath =>
        Find(AppContext.BaseDirectory, Environment.GetEnvironmentVariable(SortingEnvironmentVariable), SortingFileName, SortingEnvironmentVariable);

    public static string Find(string startDirectory, string? overridePath) => Find(startDirectory, overridePath, DefaultFileName, EnvironmentVariable);

    public static string Find(string startDirectory, string? overridePath, string fileName, string environmentVariable)
    {
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            return Path.GetFullPath(overridePath);
        }
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "models", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new ModelException(Path.Combine(startDirectory, "models", fileName),
            $"default model not found here or in any parent directory; set {environmentVariable} or pass a model path");
    }
}
