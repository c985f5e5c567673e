using System.Runtime.InteropServices;
using TomoCrop.Cropping.Publishing;
using TomoCrop.TestSupport;

namespace TomoCrop.Cropping.Tests;

public sealed class FileIdentityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_statx_buffer_is_as_large_as_what_the_kernel_writes()
    {
        // struct statx is 256 bytes; a smaller buffer lets the kernel overwrite the caller's stack.
        Assert.Equal(256, Marshal.SizeOf<Posix.StatxBuffer>());
    }

    [Fact]
    public void A_directory_identity_sums_its_files_and_follows_a_new_file()
    {
        var stack = Directory.CreateDirectory(_dir.File("stack")).FullName;
        File.WriteAllBytes(Path.Combine(stack, "a.tif"), new byte[300]);
        File.WriteAllBytes(Path.Combine(stack, "b.tif"), new byte[500]);

        var before = FileIdentity.Of(stack);
        File.WriteAllBytes(Path.Combine(stack, "c.tif"), new byte[700]);
        var after = FileIdentity.Of(stack);

        Assert.Equal(800, before.SizeBytes);
        Assert.Equal(1500, after.SizeBytes);
        Assert.Equal(before.Inode, after.Inode);
        Assert.Equal(before.Device, after.Device);
    }
}
