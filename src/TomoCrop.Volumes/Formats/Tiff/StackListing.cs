using System.Numerics;
using System.Text.RegularExpressions;

namespace TomoCrop.Volumes.Formats.Tiff;

/// <summary>
/// The slice files of a TIFF stack directory in natural order (s_2.tif before s_10.tif), with the checks that
/// keep a stray or missing file from silently becoming (or removing) a slice: every name must follow one
/// pattern, and the running number must advance by a constant step.
/// </summary>
internal static partial class StackListing
{
    public static bool IsSliceName(string name)
    {
        if (name.StartsWith('.') || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var extension = Path.GetExtension(name);
        return extension.Equals(".tif", StringComparison.OrdinalIgnoreCase) || extension.Equals(".tiff", StringComparison.OrdinalIgnoreCase);
    }

    public static List<string> List(string directory, IoLimits limits)
    {
        var names = new List<string>();
        try
        {
            foreach (var path in Directory.EnumerateFiles(directory))
            {
                var name = Path.GetFileName(path);
                if (!IsSliceName(name))
                {
                    continue;
                }
                if (names.Count == limits.MaxSlices)
                {
                    throw new VolumeException(directory, $"more than {limits.MaxSlices} slice files (the slice limit)");
                }
                names.Add(name);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new VolumeException(directory, $"cannot list the directory: {e.Message}", e);
        }
        if (names.Count == 0)
        {
            throw new VolumeException(directory, "no .tif/.tiff slice files in the directory");
        }
        names.Sort(NaturalComparer.Instance);
        CheckNumbering(directory, names);
        return names.ConvertAll(n => Path.Combine(directory, n));
    }

    /// <summary>
    /// All names must share the pattern with digits masked (recon_#.tif); of their numbers exactly the varying one
    /// must step evenly. A gap means a missing slice, a repeat (s_1 and s_01) an ambiguous order.
    /// </summary>
    private static void CheckNumbering(string directory, List<string> names)
    {
        if (names.Count < 2)
        {
            return;
        }
        // The pattern most names share is the stack's; the first name off it is the stray one.
        var pattern = names.GroupBy(Pattern).OrderByDescending(g => g.Count()).First().Key;
        var typical = names.First(n => Pattern(n) == pattern);
        var numbers = new List<BigInteger[]>(names.Count);
        foreach (var name in names)
        {
            if (Pattern(name) != pattern)
            {
                throw new VolumeException(Path.Combine(directory, name),
                    $"name does not follow the pattern of the stack's other slices ({typical}, ...): a stray file in the stack directory?");
            }
            numbers.Add([.. Digits().Matches(name).Select(m => BigInteger.Parse(m.Value))]);
        }
        var runs = numbers[0].Length;
        var varying = Enumerable.Range(0, runs).Where(i => numbers.Any(n => n[i] != numbers[0][i])).ToList();
        if (varying.Count == 0)
        {
            throw new VolumeException(Path.Combine(directory, names[1]), $"has the same number as {names[0]}: the slice order is ambiguous");
        }
        if (varying.Count > 1)
        {
            return; // several numbers vary (dates, versions): natural order is all we can do
        }
        var index = varying[0];
        var step = numbers[1][index] - numbers[0][index];
        for (var i = 1; i < names.Count; i++)
        {
            var delta = numbers[i][index] - numbers[i - 1][index];
            if (delta == 0)
            {
                throw new VolumeException(Path.Combine(directory, names[i]), $"has the same number as {names[i - 1]}: the slice order is ambiguous");
            }
            if (delta != step)
            {
                throw new VolumeException(Path.Combine(directory, names[i]),
                    $"slice numbers jump from {numbers[i - 1][index]} to {numbers[i][index]} (step {step} before): a slice is missing");
            }
        }
    }

    private static string Pattern(string name) => Digits().Replace(name, "#");

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    /// <summary>Compares digit runs by value and everything else ordinally; equal values fall back to ordinal order.</summary>
    internal sealed class NaturalComparer : IComparer<string>
    {
        public static NaturalComparer Instance { get; } = new();

        public int Compare(string? a, string? b)
        {
            if (a is null || b is null)
            {
                return string.CompareOrdinal(a, b);
            }
            int i = 0, j = 0;
            while (i < a.Length && j < b.Length)
            {
                if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
                {
                    var si = i;
                    var sj = j;
                    while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                    while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                    var x = a.AsSpan(si, i - si).TrimStart('0');
                    var y = b.AsSpan(sj, j - sj).TrimStart('0');
                    var byValue = x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);
                    if (byValue != 0)
                    {
                        return byValue;
                    }
                    continue;
                }
                if (a[i] != b[j])
                {
                    return a[i].CompareTo(b[j]);
                }
                i++;
                j++;
            }
            var byLength = (a.Length - i).CompareTo(b.Length - j);
            return byLength != 0 ? byLength : string.CompareOrdinal(a, b);
        }
    }
}
