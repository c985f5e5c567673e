namespace TomoCrop.Localization.Profiles;

/// <summary>Runs of consecutive set flags along an axis (profile samples above a threshold, slices that qualify).</summary>
internal static class FlagRuns
{
    /// <summary>Each run at least <paramref name="minLength"/> long, as its first and last index (inclusive), in order.</summary>
    public static IEnumerable<(int First, int Last)> Of(bool[] flags, int minLength = 1)
    {
        for (var i = 0; i < flags.Length; i++)
        {
            if (!flags[i])
            {
                continue;
            }
            var first = i;
            while (i + 1 < flags.Length && flags[i + 1])
            {
                i++;
            }
            if (i - first + 1 >= minLength)
            {
                yield return (first, i);
            }
        }
    }
}
