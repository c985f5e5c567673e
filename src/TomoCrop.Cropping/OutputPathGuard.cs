using TomoCrop.Volumes;

namespace TomoCrop.Cropping;

/// <summary>Output never overwrites or lands inside the input.</summary>
public static class OutputPathGuard
{
    public static void Check(string inputPath, string outputPath)
    {
        var input = Canonical(inputPath);
        var output = Canonical(outputPath);
        if (output == input)
        {
            throw new VolumeException(outputPath, "output is the input itself; refusing to overwrite the original");
        }
        if (Directory.Exists(input) && output.StartsWith(input + "/", StringComparison.Ordinal))
        {
            throw new VolumeException(outputPath, $"output lies inside the input {inputPath}; refusing to write into the original");
        }
        if (input.StartsWith(output + "/", StringComparison.Ordinal))
        {
            throw new VolumeException(outputPath, $"output would contain the input {inputPath}");
        }
        foreach (var sidecar in new[] { input + ".json", Path.ChangeExtension(input, ".json") })
        {
            if (output == sidecar)
            {
                throw new VolumeException(outputPath, "output is the input's sidecar; refusing to overwrite it");
            }
        }
    }

    /// <summary>Absolute path with symbolic links resolved as far as the path exists.</summary>
    public static string Canonical(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd('/');
        if (full.Length == 0)
        {
            return "/";
        }
        var existing = full;
        var rest = new Stack<string>();
        while (!File.Exists(existing) && !Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null)
            {
                return full;
            }
            rest.Push(Path.GetFileName(existing));
            existing = parent;
        }
        var resolved = ResolveAll(existing);
        while (rest.Count > 0)
        {
            resolved = Path.Combine(resolved, rest.Pop());
        }
        return resolved;
    }

    private static string ResolveAll(string existing)
    {
        // Resolve each component so a symlinked parent directory is seen through.
        var parts = existing.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is not null)
                {
                    current = target.FullName.TrimEnd('/');
                }
            }
        }
        return current;
    }
}
