using TomoCrop.TestSupport;
using TomoCrop.Volumes;

namespace TomoCrop.Watching.Tests;

/// <summary>A real temporary watch root with an output directory inside it, and helpers that write real volumes into it.</summary>
public class WatchFixture : IDisposable
{
    public static readonly VolumeShape SmallShape = new(4, 6, 8);

    protected WatchFixture()
    {
        Directory.CreateDirectory(Root.OutputPath);
    }

    protected TempDirectory Temp { get; } = new("tomocrop-watch-");

    protected RootPaths Root => new(Temp.Path);

    public void Dispose()
    {
        Temp.Dispose();
        GC.SuppressFinalize(this);
    }

    protected WatchRootOptions RootOptions(Action<WatchRootOptions>? change = null)
    {
        var options = new WatchRootOptions { Name = "beamline", Path = Temp.Path, Output = Root.OutputPath };
        change?.Invoke(options);
        return options;
    }

    /// <summary>Writes a complete volume of <paramref name="format"/> at <paramref name="relativePath"/> (directories created).</summary>
    protected string WriteVolume(string relativePath, VolumeFormat format, VolumeShape? shape = null, VoxelType type = VoxelType.UInt16)
    {
        var path = Temp.File(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var actualShape = shape ?? SmallShape;
        using var writer = VolumeIO.Create(path, actualShape, type, new VolumeWriteOptions { Format = format });
        TestVolumes.WriteAll(writer, TestVolumes.Pattern(actualShape, type));
        return path;
    }

    protected static void Truncate(string path, double keepFraction)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength((long)(stream.Length * keepFraction));
    }

    protected static void SetModified(string path, DateTime utc)
    {
        if (Directory.Exists(path))
        {
            Directory.SetLastWriteTimeUtc(path, utc);
        }
        else
        {
            File.SetLastWriteTimeUtc(path, utc);
        }
    }

    protected sealed record RootPaths(string Path)
    {
        public string OutputPath => System.IO.Path.Combine(Path, "cropped");
    }
}
