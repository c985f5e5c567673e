using TomoCrop.Volumes;
using TomoCrop.Watching;

namespace TomoCrop.Daemon.Processing;

/// <summary>Where a source's crop and preview go: the same relative path under the root's output directory.</summary>
public static class OutputLayout
{
    public const string PreviewSuffix = ".preview.png";

    public static string OutputPathFor(WatchRootOptions root, VolumeCandidate candidate, VolumeFormat outputFormat)
    {
        var relative = candidate.RelativePath.TrimEnd('/');
        if (outputFormat != candidate.Format)
        {
            var withoutExtension = candidate.Format == VolumeFormat.TiffStack ? relative : Path.ChangeExtension(relative, null);
            relative = withoutExtension + VolumeIO.DefaultExtension(outputFormat);
        }
        var output = Path.GetFullPath(Path.Combine(root.Output, relative));
        var outputRoot = Path.GetFullPath(root.Output).TrimEnd('/') + "/";
        if (!output.StartsWith(outputRoot, StringComparison.Ordinal))
        {
            throw new VolumeException(candidate.Path, $"output path {output} would leave the output root {root.Output}");
        }
        return output;
    }

    public static string PreviewPathFor(string outputPath) => outputPath.TrimEnd('/') + PreviewSuffix;
}
