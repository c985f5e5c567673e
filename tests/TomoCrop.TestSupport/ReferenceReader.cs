namespace TomoCrop.TestSupport;

/// <summary>Reads volumes with numpy/h5py/tifffile (python/volumes.py), independent of tomocrop's own readers.</summary>
public static class ReferenceReader
{
    private static string ModuleDirectory => Path.Combine(AppContext.BaseDirectory, "python");

    /// <summary>Runs <paramref name="body"/> after `from volumes import load, le_bytes` and numpy as np.</summary>
    public static string Run(string body, params string[] arguments) =>
        ExternalTool.RunPython(
            $"import sys; sys.path.insert(0, {Quote(ModuleDirectory)})\nimport numpy as np\nfrom volumes import load, le_bytes\n{body}",
            arguments);

    /// <summary>
    /// True when the box of the source equals the output voxel for voxel (compared as raw bytes, so NaNs and
    /// signed zeros count), as judged by the reference reader.
    /// </summary>
    public static bool CropMatches(string source, string sourceFormat, string output, string outputFormat, int[][] box, string? sourceDataset = null, string? outputDataset = null) =>
        CompareCrop(source, sourceFormat, output, outputFormat, box, sourceDataset, outputDataset) == "same";

    /// <summary>"same", or how the output differs from the source's box (shapes, dtypes).</summary>
    public static string CompareCrop(string source, string sourceFormat, string output, string outputFormat, int[][] box, string? sourceDataset = null, string? outputDataset = null)
    {
        var result = Run("""
            import json
            src = load(sys.argv[1], sys.argv[2], sys.argv[5] or None)
            out = load(sys.argv[3], sys.argv[4], sys.argv[6] or None)
            b = json.loads(sys.argv[7])
            cut = src[b[0][0]:b[0][1], b[1][0]:b[1][1], b[2][0]:b[2][1]]
            same = cut.shape == out.shape and cut.dtype.kind == out.dtype.kind and cut.dtype.itemsize == out.dtype.itemsize and le_bytes(cut) == le_bytes(out)
            print("same" if same else f"differ {cut.shape} {cut.dtype} vs {out.shape} {out.dtype}")
            """, source, sourceFormat, output, outputFormat, sourceDataset ?? "", outputDataset ?? "",
            System.Text.Json.JsonSerializer.Serialize(box));
        return result.Trim();
    }

    private static string Quote(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
