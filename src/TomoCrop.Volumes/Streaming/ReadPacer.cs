using System.Diagnostics;

namespace TomoCrop.Volumes;

/// <summary>
/// Holds a stream of reads to an average rate, so a crop running beside an acquisition does not take the storage
/// bandwidth the detector needs. Waits are cancellable: a paced crop still stops promptly on shutdown.
/// </summary>
public sealed class ReadPacer
{
    private readonly long _bytesPerSecond;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _bytes;

    /// <param name="bytesPerSecond">Average rate to hold; 0 or less means unpaced.</param>
    public ReadPacer(long bytesPerSecond) => _bytesPerSecond = bytesPerSecond;

    /// <summary>How long to wait after <paramref name="totalBytes"/> were read in <paramref name="elapsed"/> to be back at the rate.</summary>
    public static TimeSpan DelayFor(long totalBytes, TimeSpan elapsed, long bytesPerSecond)
    {
        if (bytesPerSecond <= 0)
        {
            return TimeSpan.Zero;
        }
        var due = TimeSpan.FromSeconds((double)totalBytes / bytesPerSecond);
        return due > elapsed ? due - elapsed : TimeSpan.Zero;
    }

    /// <summary>Accounts <paramref name="bytes"/> just read and sleeps, if needed, until the average is back at the rate.</summary>
    public void Pace(long bytes, CancellationToken cancellationToken)
    {
        if (_bytesPerSecond <= 0)
        {
            return;
        }
        _bytes += bytes;
        var delay = DelayFor(_bytes, _clock.Elapsed, _bytesPerSecond);
        if (delay > TimeSpan.Zero)
        {
            cancellationToken.WaitHandle.WaitOne(delay);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
