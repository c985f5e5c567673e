namespace TomoCrop.Cropping;

/// <summary>Where a crop is: copying, written (temporary complete), verifying, verified, published.</summary>
public enum CropStage
{
    Copying,
    Written,
    Verifying,
    Verified,
    Published,
}

/// <summary>
/// Reported by <see cref="Cropper"/> after every slab and at each stage change, so a caller can journal the stages
/// and a watchdog can tell a long crop that progresses from one that hangs.
/// </summary>
public readonly record struct CropProgress(CropStage Stage, long SlicesDone, long SlicesTotal, string TemporaryPath);
