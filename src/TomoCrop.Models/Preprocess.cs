namespace TomoCrop.Models;

/// <summary>Volume-level preparation shared by training and inference.</summary>
public static class Preprocess
{
    /// <summary>What pairs are cut from: the subsample, minus the holder's z-invariant image when background suppression is on.</summary>
    public static VolumeSample ForPairs(VolumeSample sample, PairPreprocessing settings) =>
        settings.SuppressBackground ? sample.WithoutHolder() : sample;
}
