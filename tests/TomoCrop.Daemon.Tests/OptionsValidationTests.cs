using TomoCrop.Daemon.Options;

namespace TomoCrop.Daemon.Tests;

public sealed class OptionsValidationTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.Empty(new LocalizerOptions().Problems("Localizer"));
        Assert.Empty(new OutputOptions().Problems("Output"));
        Assert.Empty(new OriginalsOptions().Problems("Originals"));
        Assert.Empty(new ProcessingOptions().Problems("Processing"));
        Assert.Empty(new IoOptions().Problems("Io"));
        Assert.Empty(new DaemonLoggingOptions().Problems("Log"));
        Assert.Empty(new StateOptions().Problems("State"));
    }

    [Theory]
    [InlineData("Method", "Localizer:Method")]
    [InlineData("Device", "Localizer:Device")]
    [InlineData("ThresholdRule", "Localizer:ThresholdRule")]
    public void Each_bad_localizer_value_names_its_key(string property, string key)
    {
        var options = new LocalizerOptions();
        typeof(LocalizerOptions).GetProperty(property)!.SetValue(options, "nonsense");
        var problem = Assert.Single(options.Problems("Localizer"));
        Assert.StartsWith(key + ":", problem);
    }

    [Fact]
    public void Out_of_range_numbers_name_their_keys()
    {
        var problems = new LocalizerOptions { ThresholdRule = "fraction", Threshold = 1.5, MarginVoxels = -1, MarginPercent = 300, ModelSha256 = "abc" }
            .Problems("Localizer").ToList();
        Assert.Contains(problems, p => p.StartsWith("Localizer:Threshold:"));
        Assert.Contains(problems, p => p.StartsWith("Localizer:MarginVoxels:"));
        Assert.Contains(problems, p => p.StartsWith("Localizer:MarginPercent:"));
        Assert.Contains(problems, p => p.StartsWith("Localizer:ModelSha256:"));
        Assert.Contains(new OutputOptions { Format = "jpeg" }.Problems("Output"), p => p.StartsWith("Output:Format:"));
        Assert.Contains(new OutputOptions { Compression = "zip" }.Problems("Output"), p => p.StartsWith("Output:Compression:"));
        Assert.Contains(new ProcessingOptions { IoParallelism = 0 }.Problems("Processing"), p => p.StartsWith("Processing:IoParallelism:"));
        Assert.Contains(new IoOptions { MaxReadMiBPerSecond = -1 }.Problems("Io"), p => p.StartsWith("Io:MaxReadMiBPerSecond:"));
        Assert.Equal(40L << 20, new IoOptions { MaxReadMiBPerSecond = 40 }.ToLimits().MaxReadBytesPerSecond);
        Assert.Contains(new StateOptions { Directory = "relative/dir" }.Problems("State"), p => p.StartsWith("State:Directory:"));
        Assert.Contains(new DaemonLoggingOptions { Level = "Chatty" }.Problems("Log"), p => p.StartsWith("Log:Level:"));
        Assert.Contains(new WatchOptions().Problems("Watch"), p => p.StartsWith("Watch:Roots:"));
    }

    [Fact]
    public void The_fine_tuning_schedule_is_a_cron_expression_or_an_interval()
    {
        var from = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 2, 0, 0, TimeSpan.Zero),
            new FineTuningOptions { Schedule = "0 2 * * *" }.NextRun(from, TimeZoneInfo.Utc));
        Assert.Equal(from.AddHours(6), new FineTuningOptions { Interval = TimeSpan.FromHours(6) }.NextRun(from, TimeZoneInfo.Utc));
        Assert.Contains(new FineTuningOptions { Schedule = "every night" }.Problems("FineTuning"), p => p.StartsWith("FineTuning:Schedule:"));
        Assert.Contains(new FineTuningOptions { Interval = TimeSpan.Zero }.Problems("FineTuning"), p => p.StartsWith("FineTuning:Interval:"));
        Assert.Contains(new FineTuningOptions { HeldOutFraction = 0 }.Problems("FineTuning"), p => p.StartsWith("FineTuning:HeldOutFraction:"));
        Assert.Empty(new FineTuningOptions().Problems("FineTuning"));
    }

    [Fact]
    public void Fine_tuning_pretexts_default_to_both_and_an_unknown_one_names_its_key()
    {
        Assert.Equal(["rotation", "sorting"], new FineTuningOptions().EffectivePretexts());
        // Configuration layers merge arrays by index, so a repeated name is taken once.
        Assert.Equal(["sorting"], new FineTuningOptions { Pretexts = ["Sorting", "sorting"] }.EffectivePretexts());
        Assert.Empty(new FineTuningOptions { Pretexts = ["sorting", " Rotation "] }.Problems("FineTuning"));
        var problem = Assert.Single(new FineTuningOptions { Pretexts = ["rotation", "jigsaw"] }.Problems("FineTuning"));
        Assert.Equal("FineTuning:Pretexts:1: 'jigsaw' is not a pretext; use rotation or sorting", problem);
        Assert.Contains(new FineTuningOptions { HeldOutSortingBatches = 0 }.Problems("FineTuning"), p => p.StartsWith("FineTuning:HeldOutSortingBatches:"));
    }
}
