namespace TomoCrop.Models;

/// <summary>The self-supervised tasks a model can be trained on (paper §2.1); they share the trunk and differ in the head.</summary>
public static class Pretexts
{
    /// <summary>Eq. 3: the angle between two nearby slices, one class per angle of the table.</summary>
    public const string Rotation = "rotation";

    /// <summary>Eqs. 1–2: one scalar per slice whose order should follow the slices' positions along the axis.</summary>
    public const string Sorting = "sorting";

    public static IReadOnlyList<string> All { get; } = [Rotation, Sorting];

    public static string Normalise(string pretext)
    {
        var name = pretext.Trim().ToLowerInvariant();
        return All.Contains(name) ? name : throw new ArgumentException($"pretext '{pretext}' is not one of {string.Join(", ", All)}");
    }

    /// <summary>Width of the network's head: the angle classes for rotation, one score for sorting.</summary>
    public static int HeadOutputs(string pretext, PairPreprocessing settings) =>
        Normalise(pretext) == Sorting ? 1 : settings.AnglesDegrees.Length;
}
