using System.IO.Hashing;

namespace TomoCrop.Cropping;

/// <summary>XxHash128 over voxels in C order and little-endian bytes: the same value whatever format holds them.</summary>
public sealed class VoxelHash
{
    private readonly XxHash128 _hash = new();

    public void Append(ReadOnlySpan<byte> voxels) => _hash.Append(voxels);

    public string HexDigest() => Convert.ToHexStringLower(_hash.GetCurrentHash());
}
