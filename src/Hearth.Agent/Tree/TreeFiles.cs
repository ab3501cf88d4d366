using Hearth.Agent.Interop;
using Microsoft.Win32.SafeHandles;

namespace Hearth.Agent.Tree;

/// <summary>Opens regular files met in a walk, relative to their directory's descriptor.</summary>
internal static class TreeFiles
{
    /// <summary>
    /// Opens <paramref name="name"/> in the directory open as <paramref name="dirFd"/> for
    /// reading, if it is a regular file: O_NOFOLLOW leaves symlinks alone, and O_NONBLOCK keeps
    /// a FIFO from blocking the open (it is then refused as not regular). Null otherwise.
    /// </summary>
    public static SafeFileHandle? OpenRegular(int dirFd, string name)
    {
        var fd = TreeLibc.OpenAt(dirFd, name, TreeLibc.O_RDONLY | TreeLibc.O_NOFOLLOW | TreeLibc.O_CLOEXEC | TreeLibc.O_NONBLOCK, 0);
        if (fd < 0) return null;
        if ((TreeLibc.FstatMode(fd) & TreeLibc.S_IFMT) != TreeLibc.S_IFREG)
        {
            TreeLibc.Close(fd);
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
