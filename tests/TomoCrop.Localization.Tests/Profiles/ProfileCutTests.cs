using TomoCrop.Localization.Profiles;
using TomoCrop.Volumes;

namespace TomoCrop.Localization.Tests.Profiles;

public sealed class ProfileCutTests
{
    private static readonly ProfileCutOptions Otsu = ProfileCutOptions.Default;

    /// <summary>A profile sampled at every slice of [0, length), <paramref name="high"/> inside the given ranges and <paramref name="low"/> elsewhere.</summary>
    private static AxisProfile Box(int length, float low, float high, params (int Start, int Stop)[] inside)
    {
        var values = new float[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = inside.Any(r => i >= r.Start && i < r.Stop) ? high : low;
        }
        return new AxisProfile(0, Enumerable.Range(0, length).ToArray(), values, 0);
    }

    private static AxisProfile WithNoise(AxisProfile profile, double sigma, int seed)
    {
        var random = new Random(seed);
        var values = profile.Values.Select(v => (float)(v + sigma * Gaussian(random))).ToArray();
        return profile with { Values = values };
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Box_profile_is_cut_to_the_neighbouring_low_samples_plus_margins()
    {
        // Above threshold: samples 30..59. Conservative span: sample 29 .. sample 60 → [29, 61), extent 32.
        // Margin = 4 + ceil(2% × 32) = 5 → [24, 66).
        var decision = ProfileCut.Decide(Box(100, 0, 1, (30, 60)), 100, Otsu);
        Assert.Equal(new AxisRange(24, 66), decision.Range);
        Assert.False(decision.KeptFullExtent);
        Assert.Equal(1.0, decision.Confidence);
        Assert.Contains("object at 29:61", decision.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Noisy_box_is_kept_whole_and_cut_close(int seed)
    {
        var profile = WithNoise(Box(200, 0.2f, 1.0f, (60, 140)), 0.05, seed);
        var decision = ProfileCut.Decide(profile, 200, Otsu);
        Assert.True(decision.Range.Contains(new AxisRange(60, 140)), decision.Range.ToString());
        Assert.True(new AxisRange(48, 152).Contains(decision.Range), decision.Range.ToString());
        Assert.False(decision.KeptFullExtent);
        // Separation 0.8 / 0.05 = 16 noise units → confidence 256 / 265 ≈ 0.97.
        Assert.InRange(decision.Confidence, 0.9, 1.0);
    }

    [Fact]
    public void Two_comparable_bumps_far_apart_are_both_kept_with_everything_between()
    {
        // Gap of 25 samples: not merged, but the second run (20 long) is comparable to the first (15 long).
        var decision = ProfileCut.Decide(Box(100, 0, 1, (20, 35), (60, 80)), 100, Otsu);
        // Span [19, 81), extent 62 → margin 4 + ceil(1.24) = 6.
        Assert.Equal(new AxisRange(13, 87), decision.Range);
    }

    [Fact]
    public void Runs_split_by_a_short_low_section_are_merged()
    {
        // Only the largest run counts as comparable, so the second run survives only by merging.
        var profile = Box(100, 0, 1, (20, 40), (42, 50));
        var onlyLargest = Otsu with { ComparableRunFraction = 1.0 };
        var merged = ProfileCut.Decide(profile, 100, onlyLargest);
        // Span [19, 51), extent 32 → margin 5.
        Assert.Equal(new AxisRange(14, 56), merged.Range);

        var unmerged = ProfileCut.Decide(profile, 100, onlyLargest with { MaxGapSamples = 0, MaxGapPercent = 0 });
        // Span [19, 41), extent 22 → margin 4 + ceil(0.44) = 5.
        Assert.Equal(new AxisRange(14, 46), unmerged.Range);
    }

    [Fact]
    public void Gap_tolerance_in_percent_of_the_axis_merges_long_low_sections()
    {
        // Gap of 9 samples (9 voxels): beyond MaxGapSamples, within 10% of 100 voxels.
        var profile = Box(100, 0, 1, (20, 40), (49, 55));
        var options = Otsu with { ComparableRunFraction = 1.0, MaxGapSamples = 2 };
        Assert.Equal(new AxisRange(14, 46), ProfileCut.Decide(profile, 100, options with { MaxGapPercent = 5 }).Range);
        // Span [19, 56), extent 37 → margin 4 + ceil(0.74) = 5.
        Assert.Equal(new AxisRange(14, 61), ProfileCut.Decide(profile, 100, options with { MaxGapPercent = 10 }).Range);
    }

    [Theory]
    [InlineData(73, 36)] // run 70..72 covers 4 voxels < 25% of 21: dropped as noise → [9, 31), extent 22, margin 5
    [InlineData(76, 83)] // run 70..75 covers 6 voxels ≥ 5.25: kept → [9, 77), extent 68, margin 6
    public void Small_runs_are_dropped_and_comparable_ones_kept(int secondStop, int expectedStop)
    {
        var decision = ProfileCut.Decide(Box(100, 0, 1, (10, 30), (70, secondStop)), 100, Otsu);
        Assert.Equal(expectedStop, decision.Range.Stop);
        Assert.Equal(expectedStop == 36 ? 4 : 3, decision.Range.Start);
    }

    [Fact]
    public void A_sliver_opposite_a_touched_border_is_not_cut_but_a_free_standing_object_still_is()
    {
        var sliver = Otsu with { MinCutPercent = 10 };
        // Touches the lower border, span [0, 83) (out to the next sample), margin 4 + ceil(1.66) → 89: 11 slices left, cut.
        Assert.Equal(new AxisRange(0, 89), ProfileCut.Decide(Box(100, 0, 1, (0, 82)), 100, sliver).Range);
        // Ends at 88 → 95 after margins: the 5 slices left (< 10%) are a sliver, kept.
        var whole = ProfileCut.Decide(Box(100, 0, 1, (0, 88)), 100, sliver);
        Assert.Equal(new AxisRange(0, 100), whole.Range);
        Assert.True(whole.KeptFullExtent);
        Assert.Equal(new AxisRange(0, 95), ProfileCut.Decide(Box(100, 0, 1, (0, 88)), 100, Otsu).Range);
        // Not touching a border: margins only, slivers are cut as before.
        Assert.Equal(new AxisRange(1, 99), ProfileCut.Decide(Box(100, 0, 1, (8, 92)), 100, sliver).Range);
    }

    [Fact]
    public void Object_touching_the_lower_border_is_kept_to_the_border()
    {
        var decision = ProfileCut.Decide(Box(100, 0, 1, (0, 25)), 100, Otsu);
        // Span [0, 26), extent 26 → margin 4 + ceil(0.52) = 5.
        Assert.Equal(new AxisRange(0, 31), decision.Range);
        Assert.Contains("object touches the lower border", decision.Reason);
        Assert.False(decision.KeptFullExtent);
    }

    [Fact]
    public void Object_touching_the_upper_sample_keeps_the_unsampled_tail()
    {
        // Strided samples end at 96 on a 100-voxel axis: voxels 97..99 were never looked at.
        var positions = Enumerable.Range(0, 13).Select(i => i * 8).ToArray();
        var values = positions.Select(p => p >= 64 ? 1f : 0f).ToArray();
        var decision = ProfileCut.Decide(new AxisProfile(2, positions, values, 0), 100, Otsu);
        Assert.Equal(100, decision.Range.Stop);
        Assert.Contains("upper border", decision.Reason);
    }

    [Fact]
    public void Flat_profile_keeps_the_whole_axis()
    {
        var decision = ProfileCut.Decide(Box(50, 3, 3), 50, Otsu);
        Assert.Equal(new AxisRange(0, 50), decision.Range);
        Assert.True(decision.KeptFullExtent);
        Assert.Equal(0, decision.Confidence);
        Assert.Contains("no clear object", decision.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Pure_noise_keeps_the_whole_axis_with_low_confidence(int seed)
    {
        var decision = ProfileCut.Decide(WithNoise(Box(150, 1, 1), 0.1, seed), 150, Otsu);
        Assert.Equal(new AxisRange(0, 150), decision.Range);
        Assert.True(decision.KeptFullExtent);
        Assert.True(decision.Confidence < 0.5, $"confidence {decision.Confidence} {decision.Reason}");
        Assert.Contains("no clear object", decision.Reason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Smooth_background_drift_is_not_an_object(int seed)
    {
        // Noise averaged over 9 neighbours: neighbour differences are small, so only the background's spread
        // guards against calling a drift an object.
        var raw = WithNoise(Box(160, 1, 1), 0.1, seed).Values;
        var smooth = Enumerable.Range(0, 150).Select(i => raw.Skip(i).Take(9).Average()).ToArray();
        var profile = new AxisProfile(0, Enumerable.Range(0, 150).ToArray(), smooth, 0);
        var decision = ProfileCut.Decide(profile, 150, Otsu);
        Assert.True(decision.KeptFullExtent, decision.Reason + " " + decision.Range);
    }

    [Fact]
    public void Too_few_samples_keep_the_whole_axis()
    {
        var profile = new AxisProfile(1, [10, 20, 30], [0f, 5f, 0f], 0);
        var decision = ProfileCut.Decide(profile, 40, Otsu);
        Assert.True(decision.KeptFullExtent);
        Assert.Equal(new AxisRange(0, 40), decision.Range);
        Assert.Contains("3 profile samples", decision.Reason);
    }

    [Fact]
    public void Non_finite_values_keep_the_whole_axis()
    {
        var profile = Box(30, 0, 1, (10, 20));
        profile.Values[3] = float.NaN;
        Assert.True(ProfileCut.Decide(profile, 30, Otsu).KeptFullExtent);
    }

    [Fact]
    public void Strided_positions_map_to_voxels_through_the_neighbouring_samples()
    {
        // Samples every 8 voxels on a 200-voxel axis; object in voxels [64, 128): samples 64..120 are high.
        var positions = Enumerable.Range(0, 25).Select(i => i * 8).ToArray();
        var values = positions.Select(p => p >= 64 && p < 128 ? 1f : 0f).ToArray();
        var decision = ProfileCut.Decide(new AxisProfile(0, positions, values, 0), 200, Otsu);
        // Span from sample 56 to sample 128 → [56, 129), extent 73 → margin 4 + ceil(1.46) = 6.
        Assert.Equal(new AxisRange(50, 135), decision.Range);
        Assert.True(decision.Range.Contains(new AxisRange(64, 128)));
    }

    [Fact]
    public void Each_threshold_rule_selects_its_level()
    {
        // Baseline 10, a shoulder of 14 on [20, 80), a peak of 20 on [40, 60).
        var values = Enumerable.Range(0, 100).Select(i => i is >= 40 and < 60 ? 20f : i is >= 20 and < 80 ? 14f : 10f).ToArray();
        var profile = new AxisProfile(0, Enumerable.Range(0, 100).ToArray(), values, 0);
        var noMargin = Otsu with { MarginVoxels = 0, MarginPercent = 0 };

        // Plain Otsu splits {10,14} | {20} (between-class variance 0.8·0.2·8² = 10.24 > 0.4·0.6·6² = 8.64), which
        // would cut the shoulder; {10} | {14} below it splits clearly (noise-free: infinite separation), so the
        // descent lowers the cut to just above the baseline.
        var otsu = ProfileCut.Threshold(values, noMargin)!.Value;
        Assert.InRange(otsu, 10.0, 14.0);
        Assert.Equal(new AxisRange(19, 81), ProfileCut.Decide(profile, 100, noMargin).Range);
        // FractionOfMax: 10 + 0.5 × 10 = 15 → the peak; 10 + 0.3 × 10 = 13 → the shoulder.
        var fraction = noMargin with { Rule = ThresholdRule.FractionOfMax };
        Assert.Equal(15.0, ProfileCut.Threshold(values, fraction with { Value = 0.5 }));
        Assert.Equal(new AxisRange(39, 61), ProfileCut.Decide(profile, 100, fraction with { Value = 0.5 }).Range);
        Assert.Equal(new AxisRange(19, 81), ProfileCut.Decide(profile, 100, fraction with { Value = 0.3 }).Range);
        // Absolute: the level as given (≥ counts).
        var absolute = noMargin with { Rule = ThresholdRule.Absolute };
        Assert.Equal(new AxisRange(19, 81), ProfileCut.Decide(profile, 100, absolute with { Value = 14 }).Range);
        Assert.Equal(new AxisRange(39, 61), ProfileCut.Decide(profile, 100, absolute with { Value = 14.5 }).Range);
        Assert.True(ProfileCut.Decide(profile, 100, absolute with { Value = 25 }).KeptFullExtent);
        Assert.True(ProfileCut.Decide(profile, 100, absolute with { Value = 5 }).KeptFullExtent);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Dim_shell_around_a_bright_core_is_kept_whole(int seed)
    {
        // Background 0.66, specimen shell 0.9 on [30, 130), bright core 1.3 on [75, 105): plain Otsu would keep
        // only the core. The cut must cover the shell.
        var values = Enumerable.Range(0, 160).Select(i => i is >= 75 and < 105 ? 1.3f : i is >= 30 and < 130 ? 0.9f : 0.66f).ToArray();
        var profile = WithNoise(new AxisProfile(0, Enumerable.Range(0, 160).ToArray(), values, 0), 0.02, seed);
        var decision = ProfileCut.Decide(profile, 160, Otsu);
        Assert.True(decision.Range.Contains(new AxisRange(30, 130)), decision.Range + " " + decision.Reason);
        Assert.True(new AxisRange(20, 140).Contains(decision.Range), decision.Range.ToString());
        Assert.InRange(ProfileCut.Threshold(profile.Values, Otsu)!.Value, 0.7, 0.86);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Holder_walls_either_side_of_the_specimen_are_background_structure_not_noise(int seed)
    {
        // Across a holder tube: outside 0.33, tube 0.66 on [17, 123), shell 0.9 on [32, 101), core 1.3 on [62, 82).
        // Many steps; the noise estimate must not mistake them for noise and give up on the axis.
        var values = Enumerable.Range(0, 140).Select(i =>
            i is >= 62 and < 82 ? 1.3f : i is >= 32 and < 101 ? 0.9f : i is >= 17 and < 123 ? 0.66f : 0.33f).ToArray();
        var profile = WithNoise(new AxisProfile(2, Enumerable.Range(0, 140).ToArray(), values, 0), 0.01, seed);
        var decision = ProfileCut.Decide(profile, 140, Otsu);
        Assert.False(decision.KeptFullExtent, decision.Reason);
        Assert.True(decision.Range.Contains(new AxisRange(17, 123)), decision.Range.ToString());
        Assert.True(new AxisRange(5, 135).Contains(decision.Range), decision.Range.ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Noise_free_plateau_over_half_the_axis_does_not_hide_the_background_noise(int seed)
    {
        // A maximum-intensity profile: the specimen's planes all reach exactly 0.8, the background's maxima are
        // Gumbel-distributed around 0.4. Neighbour differences are zero over most of the profile, so the
        // background's noise must be measured on the background itself, or the cut descends into it.
        var random = new Random(seed);
        var values = Enumerable.Range(0, 256).Select(i => i is >= 65 and < 195
            ? 0.8f
            : (float)(0.4 - (0.013 * Math.Log(-Math.Log(1 - random.NextDouble()))))).ToArray();
        var decision = ProfileCut.Decide(new AxisProfile(2, Enumerable.Range(0, 256).ToArray(), values, 0), 256, Otsu);
        Assert.True(decision.Range.Contains(new AxisRange(65, 195)), decision.Range.ToString());
        Assert.True(new AxisRange(50, 210).Contains(decision.Range), decision.Range + " " + decision.Reason);
    }

    [Fact]
    public void Margins_add_voxels_and_a_percentage_of_the_extent_rounded_up()
    {
        var options = Otsu with { MarginVoxels = 10, MarginPercent = 10 };
        // Span [29, 61), extent 32 → margin 10 + ceil(3.2) = 14.
        Assert.Equal(new AxisRange(15, 75), ProfileCut.Decide(Box(100, 0, 1, (30, 60)), 100, options).Range);
    }

    [Fact]
    public void Margins_are_clamped_to_the_axis()
    {
        // Span [1, 99) with margin 6 would reach [-5, 105): clamped to the whole axis, but not for lack of an object.
        var decision = ProfileCut.Decide(Box(100, 0, 1, (2, 98)), 100, Otsu);
        Assert.Equal(new AxisRange(0, 100), decision.Range);
        Assert.True(decision.KeptFullExtent);
        Assert.DoesNotContain("no clear object", decision.Reason);
        Assert.Equal(1.0, decision.Confidence);
    }

    [Fact]
    public void Low_separation_keeps_the_axis_and_confidence_follows_the_documented_formula()
    {
        Assert.Equal(0.5, ProfileCut.ConfidenceOf(3), 12);
        Assert.Equal(0.8, ProfileCut.ConfidenceOf(6), 12);
        Assert.Equal(0, ProfileCut.ConfidenceOf(0));
        Assert.Equal(1, ProfileCut.ConfidenceOf(double.PositiveInfinity));

        // A weak bump: height 0.1 over noise 0.05 is 2 noise units at best.
        var weak = WithNoise(Box(200, 0, 0.1f, (80, 120)), 0.05, 11);
        var decision = ProfileCut.Decide(weak, 200, Otsu);
        Assert.True(decision.KeptFullExtent);
        Assert.Contains("separation", decision.Reason);
        // Demanding less separation lets the same bump be cut, still containing it.
        var lenient = ProfileCut.Decide(weak, 200, Otsu with { MinContrast = 2.0 });
        Assert.False(lenient.KeptFullExtent, lenient.Reason);
        Assert.True(lenient.Range.Contains(new AxisRange(80, 120)), lenient.Range.ToString());
    }

    [Fact]
    public void Malformed_profiles_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ProfileCut.Decide(new AxisProfile(0, [0, 2, 2, 3, 4], new float[5], 0), 10, Otsu));
        Assert.Throws<ArgumentException>(() => ProfileCut.Decide(new AxisProfile(0, [0, 1, 2], new float[4], 0), 10, Otsu));
        Assert.Throws<ArgumentException>(() => ProfileCut.Decide(new AxisProfile(0, [0, 1, 10], new float[3], 0), 10, Otsu));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProfileCut.Decide(new AxisProfile(0, [], [], 0), 0, Otsu));
    }
    /// <summary>Certainty-like profile: background 0.2 ± 0.03, a specimen at 0.85 over samples 0..29, one low outlier.</summary>
    private static AxisProfile BackgroundWithOutlier(int seed)
    {
        var profile = WithNoise(Box(128, 0.2f, 0.85f, (0, 30)), 0.03, seed);
        var values = profile.Values.ToArray();
        values[100] = 0.05f;
        return profile with { Values = values };
    }

    private static readonly ProfileCutOptions Fraction12 = Otsu with { Rule = ThresholdRule.FractionOfMax, Value = 0.12, MarginVoxels = 8, MarginPercent = 5 };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_single_low_sample_no_longer_puts_the_level_inside_the_background(int seed)
    {
        var profile = BackgroundWithOutlier(seed);
        // 0.05 + 0.12 × 0.8 ≈ 0.15: below most of the background, so the "object" runs over the whole axis.
        Assert.True(ProfileCut.Decide(profile, 128, Fraction12).KeptFullExtent);

        var withBackground = Fraction12 with { BackgroundSigmas = 3, BackgroundCeiling = 2.0 / 7 };
        var level = ProfileCut.Threshold(profile.Values, withBackground)!.Value;
        Assert.InRange(level, 0.24, 2.0 / 7);
        var decision = ProfileCut.Decide(profile, 128, withBackground);
        Assert.Equal(0, decision.Range.Start);
        Assert.InRange(decision.Range.Stop, 30, 60);
    }

    [Fact]
    public void The_background_rule_never_raises_the_level_above_its_ceiling()
    {
        // High everywhere: a specimen filling the view, with a dimmer part over its last 48 samples and one low sample.
        // Its lowest quarter is specimen, not background.
        var filling = WithNoise(Box(128, 0.65f, 0.9f, (0, 80)), 0.02, 7);
        var values = filling.Values.ToArray();
        values[50] = 0.5f;
        filling = filling with { Values = values };
        var uncapped = Fraction12 with { BackgroundSigmas = 3 };
        Assert.False(ProfileCut.Decide(filling, 128, uncapped).KeptFullExtent);
        var capped = uncapped with { BackgroundCeiling = 2.0 / 7 };
        Assert.True(ProfileCut.Decide(filling, 128, capped).KeptFullExtent);
    }

    [Fact]
    public void An_absolute_level_is_not_raised_by_the_background_rule()
    {
        var options = Fraction12 with { Rule = ThresholdRule.Absolute, Value = 0.1, BackgroundSigmas = 3, BackgroundCeiling = 0.29 };
        Assert.Equal(0.1, ProfileCut.Threshold(BackgroundWithOutlier(1).Values, options));
    }
}
