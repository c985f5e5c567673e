using TomoCrop.Volumes;

namespace TomoCrop.Localization.Evaluation;

/// <summary>Boundary errors of a predicted box along one axis, against the true box.</summary>
/// <param name="Axis">0 = z, 1 = y, 2 = x.</param>
/// <param name="LowerError">|predicted start − true start| in voxels.</param>
/// <param name="UpperError">|predicted stop − true stop| in voxels.</param>
/// <param name="TrueExtent">Length of the true range, the base of the percentages.</param>
/// <param name="CutsObject">True when the predicted range misses part of the true one on either face.</param>
public sealed record AxisError(int Axis, int LowerError, int UpperError, int TrueExtent, bool CutsObject)
{
    public double LowerPercent => 100.0 * LowerError / TrueExtent;

    public double UpperPercent => 100.0 * UpperError / TrueExtent;
}

/// <summary>One case: a predicted box scored against the truth (or against nothing, for a holder-only volume).</summary>
/// <param name="Truth">The specimen's true box; null when the volume holds no specimen.</param>
/// <param name="Axes">Per-axis errors (empty when <paramref name="Truth"/> is null).</param>
public sealed record CaseEvaluation(
    string Case,
    VolumeShape Shape,
    VoxelBox Predicted,
    VoxelBox? Truth,
    IReadOnlyList<AxisError> Axes)
{
    /// <summary>Whether every true voxel is inside the prediction (null without a truth).</summary>
    public bool? ContainsTruth => Truth is { } t ? Predicted.Contains(t) : null;

    /// <summary>Predicted volume ÷ true volume (null without a truth); 1 is a perfect fit, above 1 keeps extra.</summary>
    public double? VolumeRatio => Truth is { } t ? (double)Predicted.VoxelCount / t.VoxelCount : null;

    /// <summary>1 − predicted ÷ whole volume: the fraction of storage a crop to the prediction saves.</summary>
    public double StorageSaved => 1.0 - ((double)Predicted.VoxelCount / Shape.VoxelCount);

    /// <summary>Mean over the six faces of the absolute boundary error, in voxels (null without a truth).</summary>
    public double? MeanError => Axes.Count == 0 ? null : Axes.Average(a => (a.LowerError + a.UpperError) / 2.0);

    /// <summary>Largest face error, in voxels (null without a truth).</summary>
    public int? MaxError => Axes.Count == 0 ? null : Axes.Max(a => Math.Max(a.LowerError, a.UpperError));

    /// <summary>Largest face error in % of that axis's true extent (null without a truth).</summary>
    public double? MaxErrorPercent => Axes.Count == 0 ? null : Axes.Max(a => Math.Max(a.LowerPercent, a.UpperPercent));
}

/// <summary>Scores of predicted boxes against true boxes. Pure functions.</summary>
public static class BoxEvaluation
{
    public static CaseEvaluation Evaluate(string caseName, VolumeShape shape, VoxelBox predicted, VoxelBox? truth)
    {
        if (!predicted.FitsIn(shape))
        {
            throw new ArgumentException($"{caseName}: predicted box {predicted} does not fit in {shape}", nameof(predicted));
        }
        if (truth is { } t && !t.FitsIn(shape))
        {
            throw new ArgumentException($"{caseName}: true box {t} does not fit in {shape}", nameof(truth));
        }
        var axes = truth is { } box
            ? Enumerable.Range(0, 3).Select(axis => Error(axis, predicted[axis], box[axis])).ToArray()
            : [];
        return new CaseEvaluation(caseName, shape, predicted, truth, axes);
    }

    public static EvaluationSummary Summarize(IReadOnlyList<CaseEvaluation> cases)
    {
        var scored = cases.Where(c => c.Truth is not null).ToList();
        var faces = scored.SelectMany(c => c.Axes).SelectMany(a => new[] { (a.LowerError, a.LowerPercent, a.TrueExtent), (a.UpperError, a.UpperPercent, a.TrueExtent) }).ToList();
        return new EvaluationSummary(
            Cases: cases.Count,
            CasesWithTruth: scored.Count,
            Contained: scored.Count(c => c.ContainsTruth == true),
            MeanError: faces.Count == 0 ? null : faces.Average(f => (double)f.Item1),
            MaxError: faces.Count == 0 ? null : faces.Max(f => f.Item1),
            MeanErrorPercent: faces.Count == 0 ? null : faces.Average(f => f.Item2),
            MaxErrorPercent: faces.Count == 0 ? null : faces.Max(f => f.Item2),
            MeanErrorOfMeanExtentPercent: faces.Count == 0 ? null : 100.0 * faces.Average(f => (double)f.Item1) / faces.Average(f => (double)f.Item3),
            MeanVolumeRatio: scored.Count == 0 ? null : scored.Average(c => c.VolumeRatio!.Value),
            MeanStorageSaved: cases.Count == 0 ? 0 : cases.Average(c => c.StorageSaved),
            TotalStorageSaved: cases.Count == 0 ? 0 : 1.0 - ((double)cases.Sum(c => c.Predicted.VoxelCount) / cases.Sum(c => c.Shape.VoxelCount)));
    }

    private static AxisError Error(int axis, AxisRange predicted, AxisRange truth) =>
        new(axis,
            Math.Abs(predicted.Start - truth.Start),
            Math.Abs(predicted.Stop - truth.Stop),
            truth.Length,
            predicted.Start > truth.Start || predicted.Stop < truth.Stop);
}

/// <summary>Aggregate over cases. Errors are over all faces (6 per case) of the cases that have a truth.</summary>
/// <param name="Contained">Cases whose prediction holds every true voxel.</param>
/// <param name="MeanErrorPercent">Mean of the per-face errors each taken in % of its axis's true extent.</param>
/// <param name="MeanErrorOfMeanExtentPercent">Mean face error ÷ mean true extent, in % — the way the seed paper states its 1.2%.</param>
/// <param name="MeanStorageSaved">Mean over cases of 1 − predicted ÷ whole.</param>
/// <param name="TotalStorageSaved">1 − Σ predicted ÷ Σ whole: the saving on the data set as stored.</param>
public sealed record EvaluationSummary(
    int Cases,
    int CasesWithTruth,
    int Contained,
    double? MeanError,
    int? MaxError,
    double? MeanErrorPercent,
    double? MaxErrorPercent,
    double? MeanErrorOfMeanExtentPercent,
    double? MeanVolumeRatio,
    double MeanStorageSaved,
    double TotalStorageSaved);
