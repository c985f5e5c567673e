using TomoCrop.Volumes;

namespace TomoCrop.Localization;

/// <summary>Finds the box that holds the specimen. Every localizer errs on the side of keeping voxels.</summary>
public interface ILocalizer
{
    /// <summary>Short method name used on the command line, in JSON and in logs: "rotation", "classical", "clustering".</summary>
    string Name { get; }

    /// <summary>sha256 of the model file, or null for a method without one.</summary>
    string? ModelSha256 { get; }

    LocalizationResult Localize(IVolumeReader volume, CancellationToken cancellationToken = default);
}
