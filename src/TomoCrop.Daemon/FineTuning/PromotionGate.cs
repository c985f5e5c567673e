using TomoCrop.Volumes;

namespace TomoCrop.Daemon.FineTuning;

/// <summary>How the current and the candidate model did on one held-out scan (never trained on).</summary>
public sealed record HeldOutScan(string Name, VoxelBox CurrentBox, VoxelBox CandidateBox);

/// <summary>The gate's verdict with every figure it used, for the log and the registry.</summary>
public sealed record GateDecision(bool Promote, double CurrentAccuracy, double CandidateAccuracy, IReadOnlyList<string> Reasons);

/// <summary>
/// Promote a fine-tuned candidate only when it is not worse: its held-out pretext accuracy at most
/// <see cref="AccuracyMargin"/> below the current model's, and on no held-out scan does its box cut into the current
/// model's box by more than <see cref="BoxMarginVoxels"/> on any face (lossless first: a candidate may keep more, never
/// less). Any single violation rejects it.
/// </summary>
public sealed record PromotionGate(double AccuracyMargin = 0.01, int BoxMarginVoxels = 2)
{
    public GateDecision Decide(double currentAccuracy, double candidateAccuracy, IReadOnlyList<HeldOutScan> heldOut)
    {
        var reasons = new List<string>();
        if (heldOut.Count == 0)
        {
            reasons.Add("no held-out scans to judge the candidate on");
        }
        if (double.IsNaN(candidateAccuracy) || candidateAccuracy < currentAccuracy - AccuracyMargin)
        {
            reasons.Add($"held-out pretext accuracy {candidateAccuracy:0.####} is below the current {currentAccuracy:0.####} by more than {AccuracyMargin}");
        }
        foreach (var scan in heldOut)
        {
            foreach (var (axis, current, candidate) in new[] { ("z", scan.CurrentBox.Z, scan.CandidateBox.Z), ("y", scan.CurrentBox.Y, scan.CandidateBox.Y), ("x", scan.CurrentBox.X, scan.CandidateBox.X) })
            {
                var cutLow = candidate.Start - current.Start;
                var cutHigh = current.Stop - candidate.Stop;
                if (cutLow > BoxMarginVoxels || cutHigh > BoxMarginVoxels)
                {
                    reasons.Add($"{scan.Name}: along {axis} the candidate keeps {candidate.Start}:{candidate.Stop}, cutting into the current {current.Start}:{current.Stop} by {Math.Max(cutLow, cutHigh)} voxels (> {BoxMarginVoxels})");
                }
            }
        }
        return new GateDecision(reasons.Count == 0, currentAccuracy, candidateAccuracy, reasons);
    }
}
