using Hearth.Agent.Interop;
using Hearth.Agent.Paths;

namespace Hearth.Agent.Files;

/// <summary><c>mkdir -p</c> inside the workspace, one component at a time, each resolved from the root again.</summary>
internal static class Directories
{
    public const int DefaultMode = 0x1ED; // 0755

    /// <summary>
    /// The directory at <paramref name="path"/> as an O_PATH descriptor, created with its
    /// missing parents first. A directory this call creates gets <paramref name="mode"/> (the
    /// last one) or 0755 (parents) exactly, whatever the umask; existing ones are left alone.
    /// </summary>
    public static Fd CreateAll(WorkspacePath path, int mode, out bool created)
    {
        created = false;
        var existing = WorkspaceRoot.TryOpen(path, Libc.O_PATH | Libc.O_DIRECTORY);
        if (existing is not null) return existing;

        var parts = path.Value.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = WorkspaceRoot.Open(WorkspacePath.Parse("/"), Libc.O_PATH | Libc.O_DIRECTORY);
        var currentPath = WorkspacePath.Parse("/");
        try
        {
            for (var i = 0; i < parts.Length; i++)
            {
                var next = currentPath.Append(parts[i]);
                var opened = WorkspaceRoot.TryOpen(next, Libc.O_PATH | Libc.O_DIRECTORY);
                if (opened is null)
                {
                    WorkspaceRoot.EnsureWritable(current, currentPath.Value);
                    var last = i == parts.Length - 1;
                    if (MakeOne(current, parts[i], last ? mode : DefaultMode, next)) created = last;
                    opened = WorkspaceRoot.Open(next, Libc.O_PATH | Libc.O_DIRECTORY);
                }

                current.Dispose();
                current = opened;
                currentPath = next;
            }

            return current;
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    /// <summary>mkdirat, then the exact mode on what was made; false when something was there already.</summary>
    public static bool MakeOne(Fd parent, string name, int mode, WorkspacePath path)
    {
        if (Libc.MkdirAt(parent.Value, name, mode) != 0)
        {
            if (Libc.Errno == Libc.EEXIST) return false;
            throw FileErrors.Last(path.Value);
        }

        SetMode(parent, name, mode, path);
        return true;
    }

    /// <summary>fchmod through a real descriptor (O_PATH ones cannot), opened without following a symlink.</summary>
    public static void SetMode(Fd parent, string name, int mode, WorkspacePath path)
    {
        var fd = Libc.OpenAt(parent.Value, name, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0);
        if (fd < 0) throw FileErrors.Last(path.Value);
        using var owned = new Fd(fd);
        if (Libc.FChmod(fd, mode) != 0) throw FileErrors.Last(path.Value);
    }
}
