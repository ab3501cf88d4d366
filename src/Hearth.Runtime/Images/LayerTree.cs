using System.IO.Enumeration;
using System.Runtime.InteropServices;
using System.Text;

using Hearth.Runtime.Interop;

namespace Hearth.Runtime.Images;

/// <summary>Walking and measuring a layer folder, and the overlayfs marks in its xattrs (trusted.*: only root, which hearthd is, reads them).</summary>
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
        foreach (var entry in Walk(tree))
            Strip(entry.Path);
    }

    /// <summary>
    /// The bytes of the regular files in <paramref name="tree"/>, a hard-linked file once (git's
    /// 100-odd links to one binary), as <c>du --apparent-size</c> counts them.
    /// </summary>
    public static long SizeOf(string tree)
    {
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        long total = 0;
        foreach (var (path, isDirectory) in Walk(tree))
        {
            if (isDirectory || FileStatus.TryOf(path) is not { } status) continue; // gone meanwhile
            if (status.Type == FileStatus.S_IFREG && IsFirstLink(status, seen)) total += status.Size;
        }
        return total;
    }

    /// <summary>True for a file with one link, and for the first of its links a walk meets.</summary>
    internal static bool IsFirstLink(FileStatus status, HashSet<(ulong Device, ulong Inode)> seen) =>
        status.Links <= 1 || seen.Add((status.Device, status.Inode));

    /// <summary>True when the directory hides everything below it in lower layers.</summary>
    public static bool IsOpaque(string directory) => Get(directory, Opaque) == "y";

    /// <summary>"123.4 MiB".</summary>
    public static string Describe(long bytes) => $"{bytes / 1024.0 / 1024.0:0.0} MiB";

    /// <summary>
    /// Every entry below <paramref name="tree"/>, never through a symlink: .NET's recursive
    /// enumeration follows symlinked directories, and a layer's absolute links (/lib, ...) point
    /// into the host.
    /// </summary>
    public static IEnumerable<(string Path, bool IsDirectory)> Walk(string tree) =>
        new FileSystemEnumerable<(string, bool)>(tree,
            (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.IsDirectory && (entry.Attributes & FileAttributes.ReparsePoint) == 0),
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
        {
            ShouldRecursePredicate = (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
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

    /// <summary>The xattr names on <paramref name="path"/> itself (not following a symlink).</summary>
    internal static List<string> List(string path)
    {
        var size = Llistxattr(path, null, 0);
        if (size <= 0) return [];
        var buffer = new byte[size];
        size = Llistxattr(path, buffer, size);
        if (size <= 0) return [];
        // listxattr(2): a sequence of NUL-terminated names.
        return [.. Encoding.UTF8.GetString(buffer, 0, (int)size).Split('\0', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>An xattr's value as text, or null when it is not set.</summary>
    internal static string? Get(string path, string name)
    {
        var buffer = new byte[4096];
        var size = Lgetxattr(path, name, buffer, buffer.Length);
        return size < 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)size);
    }

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint Lgetxattr(string path, string name, byte[] value, nint size);

    [LibraryImport("libc", EntryPoint = "llistxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint Llistxattr(string path, byte[]? list, nint size);

    [LibraryImport("libc", EntryPoint = "lremovexattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Lremovexattr(string path, string name);
}
