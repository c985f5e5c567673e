namespace TomoCrop.Localization.Classical;

/// <summary>A connected set of mask pixels: its size and inclusive bounding rows/columns.</summary>
internal readonly record struct Component(int Size, int RowFirst, int RowLast, int ColumnFirst, int ColumnLast);

/// <summary>8-connected components of a 2-D mask (row-major), by two-pass union-find.</summary>
internal static class ConnectedComponents
{
    public static List<Component> Find(bool[] mask, int rows, int columns)
    {
        if (mask.Length != (long)rows * columns)
        {
            throw new ArgumentException("mask size does not match rows × columns");
        }
        var parent = new int[mask.Length];
        for (var i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var i = (r * columns) + c;
                if (!mask[i])
                {
                    continue;
                }
                // Already visited neighbours: left, and the three above.
                if (c > 0 && mask[i - 1]) Union(parent, i, i - 1);
                if (r > 0)
                {
                    var up = i - columns;
                    if (mask[up]) Union(parent, i, up);
                    if (c > 0 && mask[up - 1]) Union(parent, i, up - 1);
                    if (c + 1 < columns && mask[up + 1]) Union(parent, i, up + 1);
                }
            }
        }
        var byRoot = new Dictionary<int, Component>();
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var i = (r * columns) + c;
                if (!mask[i])
                {
                    continue;
                }
                var root = Find(parent, i);
                byRoot[root] = byRoot.TryGetValue(root, out var k)
                    ? new Component(k.Size + 1, Math.Min(k.RowFirst, r), Math.Max(k.RowLast, r), Math.Min(k.ColumnFirst, c), Math.Max(k.ColumnLast, c))
                    : new Component(1, r, r, c, c);
            }
        }
        return [.. byRoot.Values];
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var ra = Find(parent, a);
        var rb = Find(parent, b);
        if (ra != rb)
        {
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }
}
