using System.Runtime.InteropServices;

namespace Hearth.Runtime.Images;

/// <summary>The overlayfs marks a layer carries in trusted.* xattrs (only root can read or set them, which hearthd is).</summary>
internal static partial class OverlayXattrs
{
    private const string Opaque = "trusted.overlay.opaque";

    /// <summary>True when the directory hides everything below it in lower layers.</summary>
    public static unsafe bool IsOpaque(string directory)
    {
        var value = stackalloc byte[4];
        var length = LGetXattr(directory, Opaque, (nint)value, 4);
        return length == 1 && value[0] == (byte)'y';
    }

    [LibraryImport("libc", EntryPoint = "lgetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint LGetXattr(string path, string name, nint value, nint size);
}
