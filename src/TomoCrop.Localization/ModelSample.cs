using System.Diagnostics;
using TomoCrop.Models;
using TomoCrop.Volumes;

namespace TomoCrop.Localization;

/// <summary>
/// The learned localizers' first step: one strided read of the volume into the model's bounded subsample, then the
/// holder suppression the model was trained with. Timed apart: the read is I/O, the rest counts as inference.
/// </summary>
/// <param name="Sample">The holder-suppressed subsample.</param>
/// <param name="Total">Running since the read began.</param>
/// <param name="Inference">Running since the read ended (preprocessing included).</param>
/// <param name="Raw">The subsample as read, before holder suppression (classical specimen evidence works on it).</param>
public sealed record ModelSample(VolumeSample Sample, Stopwatch Total, double ReadSeconds, Stopwatch Inference, VolumeSample Raw)
{
    /// <summary>Total, read and inference seconds so far, inference taken first so total ≥ read + inference always holds.</summary>
    public (double Total, double Read, double Inference) Seconds()
    {
        var inference = Inference.Elapsed.TotalSeconds;
        return (Total.Elapsed.TotalSeconds, ReadSeconds, inference);
    }

    public static ModelSample Read(IVolumeReader volume, PairPreprocessing settings, IoLimits limits)
    {
        var total = Stopwatch.StartNew();
        var sample = VolumeSample.Read(volume, settings.SampleSide, limits);
        var readSeconds = total.Elapsed.TotalSeconds;
        var inference = Stopwatch.StartNew();
        return new ModelSample(Preprocess.ForPairs(sample, settings), total, readSeconds, inference, sample);
    }
}
