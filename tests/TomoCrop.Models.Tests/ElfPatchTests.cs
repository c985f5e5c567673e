using System.Reflection;
using TomoCrop.Build;
using TomoCrop.TestSupport;

namespace TomoCrop.Models.Tests;

public class ElfPatchTests
{
    private const string Library = "libstdc++.so.6";
    private const string Version = "GLIBCXX_3.4.32";
    private const string SystemLibStdCxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";

    private static string ShippedLibrary()
    {
        var root = typeof(ElfPatchTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;
        return Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }

    [Fact]
    public void Weakening_the_shipped_library_changes_only_the_vna_flags_field_and_is_idempotent()
    {
        using var temp = new TempDirectory();
        var original = File.ReadAllBytes(ShippedLibrary());
        Assert.False(ElfVersionNeed.IsWeak(ShippedLibrary(), Library, Version));
        var copy = temp.File("libLibTorchSharp.so");
        File.WriteAllBytes(copy, original);
        // A hard link stands in for a build output hard-linked to the package cache: it must stay untouched.
        var twin = temp.File("twin.so");
        ExternalTool.RunChecked("ln", copy, twin);

        Assert.Equal(ElfPatchOutcome.Weakened, ElfVersionNeed.WeakenRequirement(copy, Library, Version));

        var patched = File.ReadAllBytes(copy);
        Assert.Equal(original.Length, patched.Length);
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToArray();
        Assert.InRange(differing.Length, 1, 2);
        Assert.True(differing[^1] - differing[0] <= 1, "the changed bytes must be one 2-byte field");
        Assert.True(ElfVersionNeed.IsWeak(copy, Library, Version));
        Assert.Equal(original, File.ReadAllBytes(twin));

        var readelf = ExternalTool.RunChecked("readelf", "-V", copy);
        Assert.Contains(readelf.Split('\n'), l => l.Contains("Name: " + Version) && l.Contains("Flags: WEAK"));
        Assert.DoesNotContain(readelf.Split('\n'), l => l.Contains("GLIBCXX_3.4.30") && l.Contains("WEAK"));

        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionNeed.WeakenRequirement(copy, Library, Version));
        Assert.Equal(patched, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_requirement_the_file_does_not_have_is_left_alone()
    {
        using var temp = new TempDirectory();
        var copy = temp.File("lib.so");
        File.Copy(ShippedLibrary(), copy);
        var before = File.ReadAllBytes(copy);
        Assert.Equal(ElfPatchOutcome.NotRequired, ElfVersionNeed.WeakenRequirement(copy, Library, "GLIBCXX_9.9.99"));
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_non_elf_file_is_refused_with_its_name()
    {
        using var temp = new TempDirectory();
        var path = temp.File("not-elf.so");
        File.WriteAllText(path, "this is not an ELF file, just text long enough to pass the size check of sixty-four bytes");
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeed.WeakenRequirement(path, Library, Version));
        Assert.Contains("not-elf.so", error.Message);
    }

    [Fact]
    public void System_libstdcxx_version_definitions_are_read()
    {
        Assert.True(ElfVersionNeed.DefinesVersion(SystemLibStdCxx, "GLIBCXX_3.4.30"));
        Assert.False(ElfVersionNeed.DefinesVersion(SystemLibStdCxx, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void The_build_output_copy_is_weak_exactly_when_the_system_lacks_the_version()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var systemHasIt = ElfVersionNeed.DefinesVersion(SystemLibStdCxx, Version);
        Assert.Equal(!systemHasIt, ElfVersionNeed.IsWeak(output, Library, Version));
    }
}
