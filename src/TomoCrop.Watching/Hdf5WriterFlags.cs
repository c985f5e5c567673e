using System.Buffers.Binary;

namespace TomoCrop.Watching;

/// <summary>
/// libhdf5 (1.10 and later) sets "file consistency flags" in the superblock while a writer has the file open and
/// clears them on close: bit 0 open for writing, bit 2 SWMR writing. A file whose declared shape is already complete
/// (h5py creates the dataset first, then fills it) is still being written while they are set. A writer that crashed
/// leaves them set (h5clear removes them); the tracker's give-up hands such a file on after a long quiet.
/// </summary>
internal static class Hdf5WriterFlags
{
    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    private const int WriteAccess = 0x1;
    private const int SwmrWriteAccess = 0x4;

    /// <summary>A reason when the superblock says a writer holds the file open; null otherwise (or when there is no superblock to read).</summary>
    public static string? OpenForWriting(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
        Span<byte> superblock = stackalloc byte[24];
        // The superblock sits at 0 or after a user block of 512, 1024, 2048, ... bytes.
        for (long offset = 0; offset + superblock.Length <= stream.Length; offset = offset == 0 ? 512 : offset * 2)
        {
            stream.Position = offset;
            stream.ReadExactly(superblock);
            if (!superblock[..Signature.Length].SequenceEqual(Signature))
            {
                continue;
            }
            var version = superblock[8];
            long flags = version switch
            {
                0 or 1 => BinaryPrimitives.ReadUInt32LittleEndian(superblock[20..]),
                2 or 3 => superblock[11],
                _ => 0,
            };
            if ((flags & SwmrWriteAccess) != 0)
            {
                return "HDF5 superblock says a writer has the file open (SWMR write); still being written";
            }
            return (flags & WriteAccess) != 0 ? "HDF5 superblock says a writer has the file open; still being written" : null;
        }
        return null;
    }
}
