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
        var fd = FileCalls.OpenAt(dirFd, name,
            FileCalls.O_RDONLY | FileCalls.O_NOFOLLOW | FileCalls.O_NONBLOCK | FileCalls.O_NOCTTY | FileCalls.O_CLOEXEC, 0);
        if (fd < 0) return null;
        if (FileCalls.Statx(fd, "", FileCalls.AT_EMPTY_PATH, FileCalls.STATX_BASIC_STATS, out var st) != 0 || !st.IsRegular)
        {
            FileCalls.Close(fd);
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
