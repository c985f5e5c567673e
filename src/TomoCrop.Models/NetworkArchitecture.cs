namespace TomoCrop.Models;

/// <summary>
/// A ResNet variant for 2-channel slice pairs. "compact" is a narrow 4-stage ResNet (one basic block per stage)
/// fast enough for 2 CPU cores; resnet18/34/50 follow He et al. 2016 with a 2-channel stem.
/// </summary>
public sealed record NetworkArchitecture(string Name, bool Bottleneck, int[] BlocksPerStage, int[] Widths, int StemWidth)
{
    public const int InputChannels = 2;

    public static NetworkArchitecture Compact { get; } = new("compact", false, [1, 1, 1, 1], [16, 32, 64, 128], 16);
    public static NetworkArchitecture ResNet18 { get; } = new("resnet18", false, [2, 2, 2, 2], [64, 128, 256, 512], 64);
    public static NetworkArchitecture ResNet34 { get; } = new("resnet34", false, [3, 4, 6, 3], [64, 128, 256, 512], 64);
    public static NetworkArchitecture ResNet50 { get; } = new("resnet50", true, [3, 4, 6, 3], [64, 128, 256, 512], 64);

    public static IReadOnlyList<NetworkArchitecture> All { get; } = [Compact, ResNet18, ResNet34, ResNet50];

    public static NetworkArchitecture FromName(string name) =>
        All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown architecture '{name}' (expected {string.Join(", ", All.Select(a => a.Name))})");

    /// <summary>Channels of the last convolutional stage, i.e. the embedding width.</summary>
    public int EmbeddingChannels => Widths[^1] * (Bottleneck ? 4 : 1);
}
