// Compiled twice: by MSBuild's RoslynCodeTaskFactory (build/TorchSharpGlibcxx.targets, with the task class) and
// by tests/TomoCrop.Models.Tests (with TOMOCROP_ELF_NO_TASK defined, patcher only). Keep it to netstandard APIs.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace TomoCrop.Build
{
    public enum ElfPatchOutcome
    {
        /// <summary>The version-needed entry was strong and is now weak.</summary>
        Weakened,
        /// <summary>The entry was already weak: nothing written.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version of that library: nothing written.</summary>
        NotRequired,
    }

    /// <summary>
    /// Walks an ELF64 little-endian file's version sections (SHT_GNU_verneed / SHT_GNU_verdef). Used to mark one
    /// Elf64_Vernaux entry weak (VER_FLG_WEAK), so glibc's loader accepts the library when that symbol version is
    /// missing: libLibTorchSharp.so asks for GLIBCXX_3.4.32 only for a symbol no relocation uses.
    /// </summary>
    public static class ElfVersionNeed
    {
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>
        /// Sets VER_FLG_WEAK on the requirement of <paramref name="version"/> from <paramref name="library"/>.
        /// Writes a temp file beside the target and renames it over (breaks hard links into a package cache),
        /// keeping the original timestamp so incremental copies stay incremental.
        /// </summary>
        public static ElfPatchOutcome WeakenRequirement(string path, string library, string version)
        {
            var bytes = File.ReadAllBytes(path);
            var flagsOffset = FindVernauxFlagsOffset(bytes, path, library, version);
            if (flagsOffset < 0)
            {
                return ElfPatchOutcome.NotRequired;
            }
            var flags = U16(bytes, flagsOffset);
            if ((flags & VerFlgWeak) != 0)
            {
                return ElfPatchOutcome.AlreadyWeak;
            }
            flags |= VerFlgWeak;
            bytes[flagsOffset] = (byte)(flags & 0xff);
            bytes[flagsOffset + 1] = (byte)(flags >> 8);

            var timestamp = File.GetLastWriteTimeUtc(path);
            var temp = path + ".glibcxx-" + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.WriteAllBytes(temp, bytes);
                File.SetLastWriteTimeUtc(temp, timestamp);
                CopyUnixMode(path, temp);
                File.Replace(temp, path, null); // rename(2) on Unix: atomic, and a hard link to the cache stays untouched
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
            return ElfPatchOutcome.Weakened;
        }

        /// <summary>True when the requirement exists and carries VER_FLG_WEAK (false when absent).</summary>
        public static bool IsWeak(string path, string library, string version)
        {
            var bytes = File.ReadAllBytes(path);
            var offset = FindVernauxFlagsOffset(bytes, path, library, version);
            return offset >= 0 && (U16(bytes, offset) & VerFlgWeak) != 0;
        }

        /// <summary>True when the ELF file (e.g. the system libstdc++.so.6) defines <paramref name="version"/>.</summary>
        public static bool DefinesVersion(string path, string version)
        {
            var bytes = File.ReadAllBytes(path);
            foreach (var section in Sections(bytes, path))
            {
                if (section.Type != ShtGnuVerdef)
                {
                    continue;
                }
                var strings = Sections(bytes, path)[(int)section.Link];
                var offset = section.Offset;
                for (var i = 0; i < section.Info; i++)
                {
                    var auxCount = U16(bytes, offset + 6);
                    var aux = offset + (long)U32(bytes, offset + 12);
                    for (var j = 0; j < auxCount; j++)
                    {
                        if (CString(bytes, strings.Offset + U32(bytes, aux), path) == version)
                        {
                            return true;
                        }
                        aux += U32(bytes, aux + 4);
                    }
                    var next = U32(bytes, offset + 16);
                    if (next == 0)
                    {
                        break;
                    }
                    offset += next;
                }
            }
            return false;
        }

        private static long FindVernauxFlagsOffset(byte[] bytes, string path, string library, string version)
        {
            var sections = Sections(bytes, path);
            foreach (var section in sections)
            {
                if (section.Type != ShtGnuVerneed)
                {
                    continue;
                }
                if (section.Link >= sections.Count)
                {
                    throw new InvalidDataException(path + ": .gnu.version_r links to a missing string table");
                }
                var strings = sections[(int)section.Link];
                var offset = section.Offset;
                for (var i = 0; i < section.Info; i++)
                {
                    Check(bytes, offset, 16, path);
                    var auxCount = U16(bytes, offset + 2);
                    var file = CString(bytes, strings.Offset + U32(bytes, offset + 4), path);
                    var aux = offset + (long)U32(bytes, offset + 8);
                    for (var j = 0; j < auxCount; j++)
                    {
                        Check(bytes, aux, 16, path);
                        if (file == library && CString(bytes, strings.Offset + U32(bytes, aux + 8), path) == version)
                        {
                            return aux + 4;
                        }
                        var nextAux = U32(bytes, aux + 12);
                        if (nextAux == 0)
                        {
                            break;
                        }
                        aux += nextAux;
                    }
                    var next = U32(bytes, offset + 12);
                    if (next == 0)
                    {
                        break;
                    }
                    offset += next;
                }
            }
            return -1;
        }

        private struct Section
        {
            public uint Type;
            public long Offset;
            public uint Link;
            public uint Info;
        }

        private static List<Section> Sections(byte[] bytes, string path)
        {
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            {
                throw new InvalidDataException(path + ": not an ELF file");
            }
            if (bytes[4] != 2 || bytes[5] != 1)
            {
                throw new InvalidDataException(path + ": not a 64-bit little-endian ELF file");
            }
            var tableOffset = (long)U64(bytes, 0x28);
            var entrySize = U16(bytes, 0x3a);
            var count = U16(bytes, 0x3c);
            if (entrySize < 64)
            {
                throw new InvalidDataException(path + ": bad section header size");
            }
            var result = new List<Section>(count);
            for (var i = 0; i < count; i++)
            {
                var header = tableOffset + (long)i * entrySize;
                Check(bytes, header, 64, path);
                result.Add(new Section
                {
                    Type = U32(bytes, header + 4),
                    Offset = (long)U64(bytes, header + 0x18),
                    Link = U32(bytes, header + 0x28),
                    Info = U32(bytes, header + 0x2c),
                });
            }
            return result;
        }

        private static void Check(byte[] bytes, long offset, int length, string path)
        {
            if (offset < 0 || offset + length > bytes.Length)
            {
                throw new InvalidDataException(path + ": truncated or corrupt ELF structure at offset " + offset);
            }
        }

        private static string CString(byte[] bytes, long offset, string path)
        {
            Check(bytes, offset, 1, path);
            var end = offset;
            while (end < bytes.Length && bytes[end] != 0)
            {
                end++;
            }
            return Encoding.ASCII.GetString(bytes, (int)offset, (int)(end - offset));
        }

        private static ushort U16(byte[] b, long o) => (ushort)(b[o] | (b[o + 1] << 8));

        private static uint U32(byte[] b, long o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));

        private static ulong U64(byte[] b, long o) => U32(b, o) | ((ulong)U32(b, o + 4) << 32);

        private static void CopyUnixMode(string from, string to)
        {
#if NET7_0_OR_GREATER
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(to, File.GetUnixFileMode(from));
            }
#endif
        }
    }

#if !TOMOCROP_ELF_NO_TASK
    /// <summary>MSBuild task: weakens libLibTorchSharp.so's GLIBCXX_3.4.32 requirement in build/publish output.</summary>
    public class WeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        private const string Library = "libstdc++.so.6";
        private const string Version = "GLIBCXX_3.4.32";

        /// <summary>Candidate copies of libLibTorchSharp.so; missing ones are skipped.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>auto: skip when the build machine's libstdc++ defines the version; always; never.</summary>
        public string Mode { get; set; } = "auto";

        public override bool Execute()
        {
            var present = new List<string>();
            foreach (var item in Files)
            {
                var full = Path.GetFullPath(item.ItemSpec);
                if (File.Exists(full) && !present.Contains(full))
                {
                    present.Add(full);
                }
            }
            if (present.Count == 0 || string.Equals(Mode, "never", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (string.Equals(Mode, "auto", StringComparison.OrdinalIgnoreCase))
            {
                var system = SystemLibStdCxx();
                if (system != null && ElfVersionNeed.DefinesVersion(system, Version))
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                        "TorchSharp glibcxx fix: " + system + " defines " + Version + "; libLibTorchSharp.so left as shipped");
                    return true;
                }
            }
            var weakened = 0;
            var already = 0;
            try
            {
                foreach (var path in present)
                {
                    switch (ElfVersionNeed.WeakenRequirement(path, Library, Version))
                    {
                        case ElfPatchOutcome.Weakened: weakened++; break;
                        case ElfPatchOutcome.AlreadyWeak: already++; break;
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogError("TorchSharp glibcxx fix failed: " + e.Message);
                return false;
            }
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                "TorchSharp glibcxx fix: " + Version + " requirement made weak in " + weakened + " copy(ies) of libLibTorchSharp.so, "
                + already + " already weak, under " + Path.GetDirectoryName(present[0]));
            return true;
        }

        private static string? SystemLibStdCxx()
        {
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            };
            foreach (var candidate in candidates)
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }
    }
#endif
}
