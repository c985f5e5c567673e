using TomoCrop.Localization.Evaluation;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Tests.Evaluation;

public sealed class BoxEvaluationTests
{
    private static VoxelBox Box(int z0, int z1, int y0, int y1, int x0, int x1) => new(new(z0, z1), new(y0, y1), new(x0, x1));

    // A: generous on z and x. B: cuts 2 slices off the top of z. C: holder only.
    private static readonly CaseEvaluation A = BoxEvaluation.Evaluate("A", new(100, 200, 200), Box(18, 63, 50, 150, 30, 125), Box(20, 60, 50, 150, 40, 120));
    private static readonly CaseEvaluation B = BoxEvaluation.Evaluate("B", new(50, 50, 50), Box(12, 30, 8, 42, 5, 45), Box(10, 30, 10, 40, 5, 45));
    private static readonly CaseEvaluation C = BoxEvaluation.Evaluate("C", new(10, 10, 10), Box(0, 10, 0, 10, 0, 5), null);

    [Fact]
    public void Face_errors_are_absolute_voxels_and_percent_of_the_true_extent()
    {
        Assert.Equal([2, 0, 10], A.Axes.Select(a => a.LowerError));
        Assert.Equal([3, 0, 5], A.Axes.Select(a => a.UpperError));
        Assert.Equal([5.0, 0, 12.5], A.Axes.Select(a => a.LowerPercent));
        Assert.Equal([7.5, 0, 6.25], A.Axes.Select(a => a.UpperPercent));
        Assert.Equal(20 / 6.0, A.MeanError!.Value, 12);
        Assert.Equal(10, A.MaxError);
        Assert.Equal(12.5, A.MaxErrorPercent);
        Assert.All(A.Axes, a => Assert.False(a.CutsObject));
    }

    [Fact]
    public void Containment_volume_ratio_and_storage_saved()
    {
        Assert.True(A.ContainsTruth);
        Assert.Equal(45.0 * 100 * 95 / (40.0 * 100 * 80), A.VolumeRatio!.Value, 12); // 1.3359375
        Assert.Equal(1 - (427_500 / 4_000_000.0), A.StorageSaved, 12);              // 0.893125

        Assert.False(B.ContainsTruth);
        Assert.Equal([true, false, false], B.Axes.Select(a => a.CutsObject));
        Assert.Equal(24_480 / 24_000.0, B.VolumeRatio!.Value, 12);
        Assert.Equal(1 - (24_480 / 125_000.0), B.StorageSaved, 12);
    }

    [Fact]
    public void Holder_only_case_has_no_errors_but_a_saving()
    {
        Assert.Null(C.ContainsTruth);
        Assert.Null(C.VolumeRatio);
        Assert.Null(C.MeanError);
        Assert.Empty(C.Axes);
        Assert.Equal(0.5, C.StorageSaved, 12);
    }

    [Fact]
    public void Summary_aggregates_over_all_faces_of_cases_with_truth()
    {
        var s = BoxEvaluation.Summarize([A, B, C]);
        Assert.Equal(3, s.Cases);
        Assert.Equal(2, s.CasesWithTruth);
        Assert.Equal(1, s.Contained);
        Assert.Equal(26 / 12.0, s.MeanError!.Value, 12);
        Assert.Equal(10, s.MaxError);
        Assert.Equal((31.25 + 10 + (200 / 15.0)) / 12, s.MeanErrorPercent!.Value, 9); // B's y faces: 2/30 = 6.667% each
        Assert.Equal(12.5, s.MaxErrorPercent!.Value, 12);
        Assert.Equal(100.0 * 26 / 620, s.MeanErrorOfMeanExtentPercent!.Value, 12);   // mean error / mean extent (51.67)
        Assert.Equal((1.3359375 + 1.02) / 2, s.MeanVolumeRatio!.Value, 12);
        Assert.Equal((0.893125 + 0.80416 + 0.5) / 3, s.MeanStorageSaved, 12);
        Assert.Equal(1 - (452_480 / 4_126_000.0), s.TotalStorageSaved, 12);
    }

    [Fact]
    public void Summary_of_holder_only_cases_has_no_errors()
    {
        var s = BoxEvaluation.Summarize([C]);
        Assert.Equal(0, s.CasesWithTruth);
        Assert.Null(s.MeanError);
        Assert.Null(s.MeanVolumeRatio);
        Assert.Equal(0.5, s.MeanStorageSaved, 12);
    }

    [Fact]
    public void Boxes_outside_the_volume_are_refused()
    {
        Assert.Throws<ArgumentException>(() => BoxEvaluation.Evaluate("bad", new(10, 10, 10), Box(0, 11, 0, 10, 0, 10), null));
        Assert.Throws<ArgumentException>(() => BoxEvaluation.Evaluate("bad", new(10, 10, 10), Box(0, 10, 0, 10, 0, 10), Box(5, 5, 0, 10, 0, 10)));
    }

    [Fact]
    public void Table_has_a_row_per_case_an_overall_row_and_aligned_columns()
    {
        var table = EvaluationTable.Render([A, B, C], "Classical baseline");
        var lines = table.Split('\n');
        Assert.Equal("Classical baseline", lines[0]);
        var tableLines = lines.Where(l => l.StartsWith('|')).ToList();
        Assert.Equal(6, tableLines.Count); // header, rule, A, B, C, overall
        Assert.Single(tableLines.Select(l => l.Length).Distinct());
        Assert.Contains("| A ", tableLines[2]);
        Assert.Contains("| 18:63,50:150,30:125 ", tableLines[2]);
        Assert.Contains("| 2/3 ", tableLines[2]);
        Assert.Contains("| 10/5 ", tableLines[2]);
        Assert.Contains("| 3.33 ", tableLines[2]);
        Assert.Contains("| 1.34 ", tableLines[2]);
        Assert.Contains("| 89.3% ", tableLines[2]);
        Assert.Contains("| NO ", tableLines[3]);
        Assert.Contains("| (none) ", tableLines[4]);
        Assert.Contains("| 1/2 ", tableLines[5]);
        Assert.Contains("| 2.17 ", tableLines[5]);
        Assert.Contains("| 73.2% ", tableLines[5]);
        Assert.Contains("mean absolute face error 2.17 voxels (4.19% of the mean true extent; max 10 voxels, 12.5%)", table);
        Assert.Contains("true box wholly kept in 1 of 2 cases", table);
        Assert.Contains("(89.0% of all voxels)", table);
    }
}
