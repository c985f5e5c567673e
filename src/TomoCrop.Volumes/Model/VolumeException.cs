namespace TomoCrop.Volumes;

/// <summary>
/// A volume (or its sidecar, or a slice of it) cannot be read or written as asked. The message is one line
/// naming the file and the problem, fit to print as is.
/// </summary>
public class VolumeException : Exception
{
    public VolumeException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    public string Path { get; }

    public string Problem { get; }
}
