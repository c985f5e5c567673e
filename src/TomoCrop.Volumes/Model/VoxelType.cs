namespace TomoCrop.Volumes;

/// <summary>The voxel types a reconstruction can carry. Values are always little-endian in memory.</summary>
public enum VoxelType
{
    UInt8,
    Int8,
    UInt16,
    Int16,
    UInt32,
    Int32,
    Float32,
    Float64,
}

public static class VoxelTypeExtensions
{
    public static int Size(this VoxelType type) => type switch
    {
        VoxelType.UInt8 or VoxelType.Int8 => 1,
        VoxelType.UInt16 or VoxelType.Int16 => 2,
        VoxelType.UInt32 or VoxelType.Int32 or VoxelType.Float32 => 4,
        VoxelType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool IsFloat(this VoxelType type) => type is VoxelType.Float32 or VoxelType.Float64;

    public static bool IsSigned(this VoxelType type) =>
        type is VoxelType.Int8 or VoxelType.Int16 or VoxelType.Int32 or VoxelType.Float32 or VoxelType.Float64;

    /// <summary>The numpy dtype name (without byte-order prefix), as used in sidecars and manifests.</summary>
    public static string NumpyName(this VoxelType type) => type switch
    {
        VoxelType.UInt8 => "uint8",
        VoxelType.Int8 => "int8",
        VoxelType.UInt16 => "uint16",
        VoxelType.Int16 => "int16",
        VoxelType.UInt32 => "uint32",
        VoxelType.Int32 => "int32",
        VoxelType.Float32 => "float32",
        VoxelType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// Parses a numpy dtype name: "uint16", "float32", "<u2", ">f4", "f8", "u1" and the like.
    /// The byte order of a prefixed name is returned in <paramref name="byteOrder"/> (null when unprefixed).
    /// </summary>
    public static bool TryParseNumpy(string text, out VoxelType type, out ByteOrder? byteOrder)
    {
        type = default;
        byteOrder = null;
        var name = text.Trim().ToLowerInvariant();
        if (name.Length > 0 && (name[0] is '<' or '>' or '=' or '|'))
        {
            byteOrder = name[0] switch { '<' => ByteOrder.Little, '>' => ByteOrder.Big, _ => null };
            name = name[1..];
        }
        VoxelType? parsed = name switch
        {
            "uint8" or "u1" => VoxelType.UInt8,
            "int8" or "i1" => VoxelType.Int8,
            "uint16" or "u2" => VoxelType.UInt16,
            "int16" or "i2" => VoxelType.Int16,
            "uint32" or "u4" => VoxelType.UInt32,
            "int32" or "i4" => VoxelType.Int32,
            "float32" or "f4" or "single" => VoxelType.Float32,
            "float64" or "f8" or "double" => VoxelType.Float64,
            _ => null,
        };
        if (parsed is null)
        {
            return false;
        }
        type = parsed.Value;
        return true;
    }
}

public enum ByteOrder
{
    Little,
    Big,
}
