using TomoCrop.Cropping.Provenance;

namespace TomoCrop.Cli.Commands;

internal static class CropSummary
{
    public static string Describe(CropRecord record)
    {
        var box = record.Box;
        return string.Join(Environment.NewLine,
            $"cropped   {record.SourcePath}",
            $"      to  {record.OutputPath} ({record.OutputFormat}, {record.OutputCompression})",
            $"box_zyx   [{box.Z}] [{box.Y}] [{box.X}] of {record.SourceShape} {record.Dtype}",
            $"bytes     {CommonOptions.Bytes(record.SourceSizeBytes)} -> {CommonOptions.Bytes(record.OutputSizeBytes)}, saved {record.SavedFraction:P1}"
                + (record.OutputCompression == "none" ? string.Empty : $", compression ratio {record.CompressionRatio:0.00}x"),
            $"verified  xxhash128 {record.OutputHash} (source and read-back agree) in {record.Seconds:0.0} s",
            $"record    {CropRecord.PathFor(record.OutputPath)}");
    }
}
