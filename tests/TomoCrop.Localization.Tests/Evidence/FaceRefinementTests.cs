using TomoCrop.Localization.Evidence;
using TomoCrop.Models;
using TomoCrop.Phantoms;
using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Tests.Evidence;

public class FaceRefinementTests
{
    private static readonly VolumeShape Shape = new(72, 160, 160);

    /// <summary>Body of the scene's specimen: an ellipsoid off the axis, 0.1 above the medium.</summary>
    private static readonly VoxelBox Body = new(new(20, 51), new(41, 80), new(82, 109));

    /// <summary>
    /// A tube of medium with a wall, rings and noise (sigma 0.02), and a specimen: <see cref="Body"/> plus, when
    /// <paramref name="tail"/> is set, a tail one voxel thick leaving the body along +y to y 111 at odd z and x —
    /// voxels a stride-2 sample never holds. Written as a raw volume, read back through the real reader.
    /// </summary>
    private static string WriteScene(TempDirectory directory, bool tail)
    {
        var random = new Random(7);
        var data = new float[Shape.VoxelCount];
        var (cy, cx) = ((Shape.Y - 1) / 2.0, (Shape.X - 1) / 2.0);
        var (bz, by, bx) = (35.0, 60.0, 95.0);
        for (var z = 0; z < Shape.Z; z++)
        for (var y = 0; y < Shape.Y; y++)
        for (var x = 0; x < Shape.X; x++)
        {
            var r = Math.Sqrt(((y - cy) * (y - cy)) + ((x - cx) * (x - cx)));
            double v = r < 58 ? 0.2 : r < 62 ? 0.6 : 0.0;
            v += Math.Abs(r - 30) < 0.5 || Math.Abs(r - 52) < 0.5 ? 0.03 : 0.0;
            if (Math.Pow((z - bz) / 15.5, 2) + Math.Pow((y - by) / 19.5, 2) + Math.Pow((x - bx) / 13.5, 2) <= 1)
            {
                v = 0.3;
            }
            if (tail && z == 35 && x == 95 && y > 75 && y <= 111)
            {
                v = 0.32;
            }
            var gauss = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            data[(((z * Shape.Y) + y) * Shape.X) + x] = (float)(v + (0.02 * gauss));
        }
        var path = directory.File(tail ? "tail.raw" : "body.raw");
        using (var writer = VolumeIO.Create(path, Shape, VoxelType.Float32, new VolumeWriteOptions { Format = VolumeFormat.Raw }))
        {
            var bytes = new byte[data.Length * sizeof(float)];
            Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
            TestVolumes.WriteAll(writer, bytes);
        }
        return path;
    }

    /// <summary>The rotation localizer's box where the evidence decides every face: the evidence plus its wide margin.</summary>
    private static AxisDecision[] EvidenceDecisions(EvidenceResult evidence, EvidenceOptions options)
    {
        var box = evidence.Box!.Value;
        return Enumerable.Range(0, 3).Select(axis =>
        {
            var margin = options.Margin(box[axis].Length);
            var range = new AxisRange(Math.Max(0, box[axis].Start - margin), Math.Min(Shape[axis], box[axis].Stop + margin));
            return new AxisDecision(range, 0.9, false, "evidence");
        }).ToArray();
    }

    /// <summary>The scene opened, its evidence from a stride-2 sample, and the box from the evidence plus its margin.</summary>
    private static (IVolumeReader Volume, EvidenceResult Evidence, AxisDecision[] Before) Open(TempDirectory directory, bool tail)
    {
        var volume = VolumeIO.Open(WriteScene(directory, tail));
        var evidence = SpecimenEvidence.Find(VolumeSample.Read(volume, 80, IoLimits.Default));
        Assert.Equal(2, evidence.Stride);
        return (volume, evidence, EvidenceDecisions(evidence, EvidenceOptions.Default));
    }

    private static AxisDecision[] Refine(IVolumeReader volume, AxisDecision[] before, EvidenceResult evidence, IoLimits? limits = null) =>
        FaceRefinement.Refine(volume, before, evidence, EvidenceOptions.Default, limits ?? IoLimits.Default);

    private static VoxelBox BoxOf(IReadOnlyList<AxisDecision> decisions) => new(decisions[0].Range, decisions[1].Range, decisions[2].Range);

    [Fact]
    public void Faces_move_in_to_the_specimen_seen_at_full_resolution_and_still_hold_it()
    {
        using var directory = new TempDirectory();
        var (volume, evidence, before) = Open(directory, tail: false);
        using var _ = volume;
        var after = Refine(volume, before, evidence);
        var (wide, refined) = (BoxOf(before), BoxOf(after));
        Assert.True(refined.Contains(Body), $"{refined} should hold {Body}");
        for (var axis = 0; axis < 3; axis++)
        {
            // The evidence's margin is 6 voxels + 5% (8 here); the refined one 4 + 2% (5), beyond an edge seen to a voxel or two.
            Assert.True(refined[axis].Start <= Body[axis].Start - 5 && refined[axis].Start >= Body[axis].Start - 8, $"{refined} should hug {Body} (was {wide})");
            Assert.True(refined[axis].Stop >= Body[axis].Stop + 5 && refined[axis].Stop <= Body[axis].Stop + 8, $"{refined} should hug {Body} (was {wide})");
            Assert.True(wide[axis].Length - refined[axis].Length >= 4, $"{refined} should be tighter than {wide}");
            Assert.Contains("full resolution", after[axis].Reason);
        }
    }

    [Fact]
    public void A_tail_the_stride_steps_over_pushes_its_face_out_to_hold_it()
    {
        // The sample holds only even z and x: the tail (z 35, x 95) is invisible to the evidence, and the box from the
        // evidence plus its margin ends over 20 voxels short of the tail's tip at y 111.
        using var directory = new TempDirectory();
        var (volume, evidence, before) = Open(directory, tail: true);
        using var _ = volume;
        var after = Refine(volume, before, evidence);
        var truth = Body with { Y = new(Body.Y.Start, 112) };
        Assert.True(evidence.Box!.Value.Y.Stop < 90, $"the evidence should miss the tail: {evidence.Box}");
        Assert.True(before[1].Range.Stop < 112, $"the evidence's box should cut the tail: {before[1].Range}");
        Assert.True(BoxOf(after).Contains(truth), $"{BoxOf(after)} should hold {truth}: {after[1].Reason}");
        Assert.InRange(after[1].Range.Stop, 116, 120);
    }

    [Fact]
    public void Nothing_moves_when_turned_off_or_when_the_view_is_truncated()
    {
        using var directory = new TempDirectory();
        var (volume, evidence, before) = Open(directory, tail: false);
        using var _ = volume;
        var off = FaceRefinement.Refine(volume, before, evidence, EvidenceOptions.Default with { RefineFaces = false }, IoLimits.Default);
        Assert.Equal(before, off);
        var truncated = Refine(volume, before, evidence with { Truncated = true });
        Assert.Equal(before, truncated);
        var noneQuiet = FaceRefinement.Refine(volume, before, evidence with { Truncated = true }, EvidenceOptions.Default, IoLimits.Default,
            [(false, false), (false, false), (false, false)]);
        Assert.Equal(before, noneQuiet);
    }

    [Fact]
    public void Across_a_truncated_view_the_faces_where_the_certainty_is_quiet_are_looked_at_and_only_those()
    {
        // As Find reports a view cutting through the object: y and x of the box span the axes whole; the components'
        // own extent (Sampled) is the evidence there.
        using var directory = new TempDirectory();
        var (volume, evidence, before) = Open(directory, tail: true);
        using var _ = volume;
        var truncated = evidence with { Truncated = true, Box = evidence.Box!.Value with { Y = new(0, Shape.Y), X = new(0, Shape.X) } };
        var after = FaceRefinement.Refine(volume, before, truncated, EvidenceOptions.Default, IoLimits.Default,
            [(true, true), (true, true), (false, true)]);
        var truth = Body with { Y = new(Body.Y.Start, 112) };
        Assert.True(BoxOf(after).Contains(truth), $"{BoxOf(after)} should hold {truth}: {after[1].Reason}");
        // The tail pushes the y face out as in a whole view; the quiet x face moves in, the other x face stays.
        Assert.InRange(after[1].Range.Stop, 116, 120);
        Assert.True(after[2].Range.Stop < before[2].Range.Stop, after[2].Reason);
        Assert.Equal(before[2].Range.Start, after[2].Range.Start);
    }

    [Fact]
    public void A_face_a_filled_specimen_set_keeps_the_evidences_margin()
    {
        // Where the evidence box reaches beyond the components (a specimen filling the holder's shells, shown as a
        // disc), the specimen hides in the holder model at full resolution too: that face is not looked at again.
        using var directory = new TempDirectory();
        var (volume, evidence, _) = Open(directory, tail: false);
        using var _ = volume;
        var found = evidence.Box!.Value;
        var filled = evidence with { Box = found with { X = found.X with { Stop = found.X.Stop + 10 } } };
        var before = EvidenceDecisions(filled, EvidenceOptions.Default);
        var after = Refine(volume, before, filled);
        Assert.Equal(before[2].Range.Stop, after[2].Range.Stop);
        Assert.True(after[2].Range.Start > before[2].Range.Start, "the other side is still refined");
    }

    [Fact]
    public void A_zone_too_large_for_the_budget_at_full_resolution_is_looked_at_on_a_coarser_grid()
    {
        // 20,000 voxels: a face's zone (some 40,000 voxels) fits only at every second voxel.
        using var directory = new TempDirectory();
        var (volume, evidence, before) = Open(directory, tail: false);
        using var _ = volume;
        var after = Refine(volume, before, evidence, IoLimits.Default with { MaxBufferBytes = 16 * 20_000 });
        var (wide, refined) = (BoxOf(before), BoxOf(after));
        Assert.True(refined.Contains(Body), $"{refined} should hold {Body}");
        Assert.True(refined.VoxelCount < wide.VoxelCount, $"{refined} should be tighter than {wide}");
        Assert.All(after, decision => Assert.Contains("at stride 2", decision.Reason));
    }

    [Fact]
    public void A_zone_over_the_memory_budget_is_left_as_it_was()
    {
        using var directory = new TempDirectory();
        var (volume, evidence, before) = Open(directory, tail: false);
        using var _ = volume;
        var after = Refine(volume, before, evidence, IoLimits.Default with { MaxBufferBytes = 1 << 16 });
        Assert.Equal(before, after);
    }
}
