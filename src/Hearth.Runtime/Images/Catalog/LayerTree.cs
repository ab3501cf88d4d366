using System.Runtime.InteropServices;
using System.Text;

namespace Hearth.Runtime.Images.Catalog;

/// <summary>Helpers on a finished layer folder.</summary>
internal static partial class LayerTree
{
    private const string Opaque = "trusted.overlay.opaque";
    private const int ENODATA = 61;

    /// <summary>
    /// Removes the overlayfs bookkeeping xattrs (<c>trusted.overlay.origin</c>, <c>impure</c>, ...)
    /// a copy-up leaves on the upper, keeping only <c>trusted.overlay.opaque</c>: origin holds file
    /// handles of the build-time lowers, which mean nothing once the folder is a lower itself.
    /// </summary>
    public static void StripOverlayXattrs(string tree)
    {
        Strip(tree);
        foreach (var entry in Directory.EnumerateFileSystemEntries(tree, "*", Recursive))
            Strip(entry);
    }

    /// <summary>
    /// The bytes of the regular files in <paramref name="tree"/>, a hard-linked file once (git's
    /// 100-odd links to one binary), as <c>du --apparent-size</c> counts them.
    /// </summary>
    public static long SizeOf(string tree)
    {
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        long total = 0;
        Span<byte> stat = stackalloc byte[StatSize];
        foreach (var file in new DirectoryInfo(tree).EnumerateFiles("*", Recursive))
        {
            if (file.LinkTarget is not null) continue;
            if (Lstat(file.FullName, stat) != 0) continue; // gone meanwhile
            // struct stat on x86_64 (asm/stat.h): st_dev@0, st_ino@8, st_nlink@16, st_mode@24, st_size@48.
            var mode = BitConverter.ToUInt32(stat[24..28]);
            if ((mode & 0xF000) != 0x8000) continue; // regular files only (whiteouts are char devices)
            var nlink = BitConverter.ToUInt64(stat[16..24]);
            if (nlink > 1 && !seen.Add((BitConverter.ToUInt64(stat[0..8]), BitConverter.ToUInt64(stat[8..16])))) continue;
            total += BitConverter.ToInt64(stat[48..56]);
        }
        return total;
    }

    private const int StatSize = 144;

    /// <summary>"123.4 MiB".</summary>
    public static string Describe(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MiB";

    private static readonly EnumerationOptions Recursive = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    private static void Strip(string path)
    {
        foreach (var name in List(path))
        {
            if (!name.StartsWith("trusted.overlay.", StringComparison.Ordinal) || name == Opaque) continue;
            if (Lremovexattr(path, name) != 0 && Marshal.GetLastPInvokeError() != ENODATA)
                throw new RuntimeException("image_build_failed", $"removing {name} from {path}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static List<string> List(string path)
    {
        var size = Llistxattr(path, null, 0);
        if (size <= 0) return [];
        var buffer = new byte[size];
        size = Llistxattr(path, buffer, size);
        if (size <= 0) return [];
        // listxattr(2): a sequence of NUL-terminated names.
        return [.. Encoding.UTF8.GetString(buffer, 0, (int)size).Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint Llistxattr(string path, byte[]? list, nint size);

    // glibc 2.33+ exports lstat itself (before, only __lxstat).
    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Lstat(string path, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "lremovexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Lremovexattr(string path, string name);
}
