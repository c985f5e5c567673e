using System.Globalization;
using System.Text;

namespace TomoCrop.Localization.Evaluation;

/// <summary>Renders evaluations as an aligned Markdown table (readable as plain text, renders in a README).</summary>
public static class EvaluationTable
{
    private static readonly string[] Header =
        ["case", "shape", "predicted box", "true box", "err z lo/hi (vox)", "err y lo/hi", "err x lo/hi", "mean err (vox)", "max err (%)", "contains", "pred/true", "saved"];

    public static string Render(IReadOnlyList<CaseEvaluation> cases, string? title = null)
    {
        var rows = new List<string[]> { Header };
        foreach (var c in cases)
        {
            rows.Add(
            [
                c.Case,
                c.Shape.ToString(),
                c.Predicted.ToString(),
                c.Truth?.ToString() ?? "(none)",
                AxisCell(c, 0),
                AxisCell(c, 1),
                AxisCell(c, 2),
                Number(c.MeanError, "F2"),
                Number(c.MaxErrorPercent, "F1"),
                c.ContainsTruth switch { true => "yes", false => "NO", null => "-" },
                Number(c.VolumeRatio, "F2"),
                Percent(c.StorageSaved),
            ]);
        }
        var s = BoxEvaluation.Summarize(cases);
        rows.Add(
        [
            "**overall**",
            $"{s.Cases} cases",
            "",
            $"{s.CasesWithTruth} with truth",
            "",
            "",
            "",
            Number(s.MeanError, "F2"),
            Number(s.MaxErrorPercent, "F1"),
            s.CasesWithTruth == 0 ? "-" : $"{s.Contained}/{s.CasesWithTruth}",
            Number(s.MeanVolumeRatio, "F2"),
            Percent(s.MeanStorageSaved),
        ]);

        var widths = Enumerable.Range(0, Header.Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        if (title is not null)
        {
            text.Append(title).Append("\n\n");
        }
        for (var r = 0; r < rows.Count; r++)
        {
            text.Append('|');
            for (var i = 0; i < widths.Length; i++)
            {
                text.Append(' ').Append(rows[r][i].PadRight(widths[i])).Append(" |");
            }
            text.Append('\n');
            if (r == 0)
            {
                text.Append('|');
                foreach (var w in widths)
                {
                    text.Append(new string('-', w + 2)).Append('|');
                }
                text.Append('\n');
            }
        }
        text.Append('\n').Append(SummaryLine(s)).Append('\n');
        return text.ToString();
    }

    /// <summary>One sentence with the headline figures, in the seed paper's terms.</summary>
    public static string SummaryLine(EvaluationSummary s)
    {
        var parts = new List<string>();
        if (s.CasesWithTruth > 0)
        {
            parts.Add(Invariant($"mean absolute face error {s.MeanError:F2} voxels ({s.MeanErrorOfMeanExtentPercent:F2}% of the mean true extent; max {s.MaxError} voxels, {s.MaxErrorPercent:F1}%)"));
            parts.Add($"true box wholly kept in {s.Contained} of {s.CasesWithTruth} cases");
            parts.Add(Invariant($"mean predicted/true volume {s.MeanVolumeRatio:F2}"));
        }
        parts.Add(Invariant($"storage saved {s.MeanStorageSaved * 100:F1}% per case on average ({s.TotalStorageSaved * 100:F1}% of all voxels)"));
        return string.Join("; ", parts) + ".";
    }

    private static string AxisCell(CaseEvaluation c, int axis) =>
        c.Axes.Count == 0 ? "-" : Invariant($"{c.Axes[axis].LowerError}/{c.Axes[axis].UpperError}");

    private static string Number(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Percent(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
