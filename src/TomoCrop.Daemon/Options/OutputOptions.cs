using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Options;

/// <summary>Section "Output": how published crops are written.</summary>
public sealed class OutputOptions : IValidatedOptions
{
    public const string Section = "Output";

    /// <summary>same (the input's format), hdf5, tiff-stack, tiff or raw.</summary>
    public string Format { get; set; } = "same";

    /// <summary>none, deflate or lzw (TIFF).</summary>
    public string Compression { get; set; } = "none";

    /// <summary>HDF5 output dataset; null = the input's dataset (or /exchange/data).</summary>
    public string? Hdf5Dataset { get; set; }

    public bool VerifyFromStorage { get; set; }

    /// <summary>Write NAME.preview.png beside each crop.</summary>
    public bool Preview { get; set; } = true;

    /// <summary>A crop that would save less than this (percent of the original) is not written; the volume is skipped.</summary>
    public double MinSavedPercent { get; set; } = 5;

    public VolumeFormat? ParsedFormat =>
        Format.Trim().ToLowerInvariant() is "same" or ""
            ? null
            : VolumeFormatNames.TryParse(Format, out var format)
                ? format
                : throw new FormatException($"'{Format}' is not one of same, hdf5, tiff-stack, tiff, raw");

    public OutputCompression ParsedCompression =>
        OutputCompressionNames.TryParse(Compression, out var compression)
            ? compression
            : throw new FormatException($"'{Compression}' is not one of {OutputCompressionNames.Choices}");

    public IEnumerable<string> Problems(string section)
    {
        var problems = new List<string>();
        try
        {
            _ = ParsedFormat;
        }
        catch (FormatException e)
        {
            problems.Add($"{section}:Format: {e.Message}");
        }
        try
        {
            _ = ParsedCompression;
        }
        catch (FormatException e)
        {
            problems.Add($"{section}:Compression: {e.Message}");
        }
        if (double.IsNaN(MinSavedPercent) || MinSavedPercent is < 0 or >= 100)
        {
            problems.Add($"{section}:MinSavedPercent: must be within 0–100, not {MinSavedPercent}");
        }
        if (Hdf5Dataset is { Length: > 0 } dataset && !dataset.StartsWith('/'))
        {
            problems.Add($"{section}:Hdf5Dataset: must be an absolute HDF5 path like /exchange/data");
        }
        return problems;
    }
}
