using Hearth.Agent.Interop;
using Microsoft.Win32.SafeHandles;

namespace Hearth.Agent.Paths;

/// <summary>Opens regular files met in a walk, relative to their directory's descriptor.</summary>
internal static class TreeFiles
{
    /// <summary>
    /// Opens <paramref name="name"/> in the directory open as <paramref name="dirFd"/> for
    /// reading, if it is a regular file: O_NOFOLLOW leaves symlinks alone, and O_NONBLOCK |
    /// O_NOCTTY keep a FIFO or a terminal from blocking or acting on the open (it is then
    /// refused as not regular). Null otherwise.
    /// </summary>
    public static SafeFileHandle? OpenRegular(int dirFd, string name)
    {
        var fd = Libc.OpenAt(dirFd, name,
            Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return null;
        if (Libc.Statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_BASIC_STATS, out var st) != 0 || !st.IsRegular)
        {
            Libc.Close(fd);
            return null;
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>The text of a small regular file (at most <paramref name="maxBytes"/>); null if it is missing, not regular or larger.</summary>
    public static string? ReadSmallText(int dirFd, string name, int maxBytes)
    {
        using var handle = OpenRegular(dirFd, name);
        if (handle is null) return null;
        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length > maxBytes) return null;
            var buffer = new byte[length];
            var read = RandomAccess.Read(handle, buffer, 0);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
