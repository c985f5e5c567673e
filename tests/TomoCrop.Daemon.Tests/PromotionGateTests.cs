using TomoCrop.Daemon.FineTuning;
using TomoCrop.Volumes;

namespace TomoCrop.Daemon.Tests;

public sealed class PromotionGateTests
{
    private static readonly VoxelBox Current = new(new(10, 90), new(20, 80), new(30, 70));
    private static readonly PromotionGate Gate = new(AccuracyMargin: 0.01, BoxMarginVoxels: 2);

    [Fact]
    public void A_candidate_as_accurate_that_keeps_at_least_the_same_voxels_is_promoted()
    {
        var wider = new VoxelBox(new(8, 92), new(20, 80), new(29, 71));
        var decision = Gate.Decide(0.60, 0.595, [new HeldOutScan("a", Current, wider), new HeldOutScan("b", Current, Current)]);
        Assert.True(decision.Promote, string.Join("; ", decision.Reasons));
        Assert.Empty(decision.Reasons);
    }

    [Fact]
    public void A_box_cutting_into_the_current_one_beyond_the_margin_rejects_even_a_better_model()
    {
        // x stops 3 voxels short of the current box: more than the 2-voxel margin.
        var tighter = new VoxelBox(new(10, 90), new(21, 80), new(30, 67));
        var decision = Gate.Decide(0.60, 0.80, [new HeldOutScan("scan7", Current, tighter)]);
        Assert.False(decision.Promote);
        var reason = Assert.Single(decision.Reasons);
        Assert.Contains("scan7", reason);
        Assert.Contains("along x", reason);
        Assert.Contains("by 3 voxels", reason);
    }

    [Fact]
    public void A_candidate_less_accurate_by_more_than_the_margin_is_rejected()
    {
        var decision = Gate.Decide(0.60, 0.58, [new HeldOutScan("a", Current, Current)]);
        Assert.False(decision.Promote);
        Assert.Contains("accuracy", Assert.Single(decision.Reasons));
        Assert.False(Gate.Decide(0.60, double.NaN, [new HeldOutScan("a", Current, Current)]).Promote);
    }

    [Fact]
    public void Without_held_out_scans_nothing_is_promoted()
    {
        Assert.False(Gate.Decide(0.5, 0.9, []).Promote);
    }
}
