using PureHDF;
using PureHDF.VOL.Native;

namespace TomoCrop.Volumes.Formats.Hdf5;

/// <summary>
/// Finds the volume inside an HDF5 file: the path the caller gave, else Data Exchange <c>/exchange/data</c>
/// (tomopy, tomocupy), else NeXus <c>/entry/data/data</c>, else the only 3-D numeric dataset in the file.
/// </summary>
internal static class Hdf5DatasetLocator
{
    public static readonly string[] ConventionalPaths = ["/exchange/data", "/entry/data/data"];

    // Bounds on the search walk, so a file with a huge or cyclic (hard-linked) group tree cannot stall the open.
    private const int MaxDepth = 12;
    private const int MaxObjectsVisited = 10_000;
    private const int MaxListed = 6;

    public static (NativeDataset Dataset, string Path) Locate(string filePath, NativeFile file, string? requestedPath)
    {
        if (requestedPath is not null)
        {
            var normalized = "/" + requestedPath.Trim('/');
            if (!file.LinkExists(normalized))
            {
                throw new VolumeException(filePath, $"dataset {normalized} not found");
            }
            return file.Get(normalized) is NativeDataset requested
                ? (requested, normalized)
                : throw new VolumeException(filePath, $"{normalized} is not a dataset");
        }
        foreach (var conventional in ConventionalPaths)
        {
            if (LinkExists(file, conventional) && file.Get(conventional) is NativeDataset dataset)
            {
                return (dataset, conventional);
            }
        }

        var found = new List<(string Path, NativeDataset Dataset, string Description)>();
        var visited = 0;
        Walk(file, "", 0, found, ref visited);
        var candidates = found.Where(f => IsVolumeCandidate(f.Dataset)).ToList();
        if (candidates.Count == 1)
        {
            return (candidates[0].Dataset, candidates[0].Path);
        }
        if (candidates.Count > 1)
        {
            throw new VolumeException(filePath,
                $"{candidates.Count} 3-D numeric datasets and none at /exchange/data or /entry/data/data; choose one with a dataset path: {List(candidates.Select(c => c.Path), candidates.Count)}");
        }
        var what = found.Count == 0 ? "no datasets" : $"only {List(found.Select(f => $"{f.Path} ({f.Description})"), found.Count)}";
        throw new VolumeException(filePath, $"no 3-D numeric dataset found (looked at /exchange/data, /entry/data/data and the whole file): {what}");
    }

    /// <summary>Whether the dataset looks like a volume: rank 3, integer or floating-point voxels.</summary>
    private static bool IsVolumeCandidate(NativeDataset dataset) =>
        dataset.Space.Rank == 3 && dataset.Type.Class is H5DataTypeClass.FixedPoint or H5DataTypeClass.FloatingPoint;

    public static string Describe(NativeDataset dataset)
    {
        var extent = dataset.Space.Rank == 0 ? "scalar" : $"{dataset.Space.Rank}-D {string.Join("x", dataset.Space.Dimensions)}";
        return $"{extent} {dataset.Type.Class.ToString().ToLowerInvariant()} of {dataset.Type.Size} bytes";
    }

    private static bool LinkExists(NativeGroup group, string path)
    {
        // LinkExists on a/b/c needs every intermediate link; walk them so a missing group is "no", not an error.
        var current = "";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current += "/" + part;
            if (!group.LinkExists(current))
            {
                return false;
            }
        }
        return true;
    }

    private static void Walk(NativeGroup group, string prefix, int depth, List<(string, NativeDataset, string)> found, ref int visited)
    {
        if (depth > MaxDepth)
        {
            return;
        }
        foreach (var child in group.Children())
        {
            if (++visited > MaxObjectsVisited)
            {
                return;
            }
            var childPath = prefix + "/" + child.Name;
            switch (child)
            {
                case NativeDataset dataset:
                    found.Add((childPath, dataset, Describe(dataset)));
                    break;
                case NativeGroup subgroup:
                    Walk(subgroup, childPath, depth + 1, found, ref visited);
                    break;
            }
        }
    }

    private static string List(IEnumerable<string> items, int count)
    {
        var shown = string.Join(", ", items.Take(MaxListed));
        return count > MaxListed ? $"{shown}, ... ({count} in all)" : shown;
    }
}
