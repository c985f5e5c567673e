namespace TomoCrop.Volumes;

/// <summary>A half-open voxel range [Start, Stop) along one axis.</summary>
public readonly record struct AxisRange(int Start, int Stop)
{
    public int Length => Stop - Start;

    public bool IsEmpty => Stop <= Start;

    public bool Contains(AxisRange other) => other.Start >= Start && other.Stop <= Stop;

    public override string ToString() => $"{Start}:{Stop}";
}
