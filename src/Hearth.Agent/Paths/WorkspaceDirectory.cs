using Hearth.Agent.Interop;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Paths;

/// <summary>
/// A directory of the workspace, named by a request and opened for reading: the root of a
/// watch or a search. The path is resolved by <see cref="WorkspaceRoot"/> (openat2
/// RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS from the root descriptor), so <c>..</c> and absolute
/// symlinks stay inside the workspace and <c>/proc/*/fd</c> links lead nowhere. The directory
/// it lands on is refused if it is on the agent's own mounts (by mount id, wherever it is
/// reached from), or if the kernel names it under a <see cref="Reserved"/> directory.
/// </summary>
/// <remarks>
/// Everything below the root is opened relative to a parent descriptor with O_NOFOLLOW
/// (<see cref="TreeWalk"/>), so a symlink in the tree is never followed, and one swapped in
/// during the walk makes that open fail instead of leading elsewhere.
/// </remarks>
internal sealed class WorkspaceDirectory : IDisposable
{
    /// <summary>
    /// The agent's bundle and socket, and the kernel's file systems: never watched or searched,
    /// neither named directly nor met while walking <c>/</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> Reserved = ["/.hearth", "/.hearth-run", "/proc", "/sys", "/dev"];

    private WorkspaceDirectory(int fd, string path)
    {
        Fd = fd;
        Path = path;
    }

    /// <summary>An O_RDONLY | O_DIRECTORY descriptor of the directory, owned by this object.</summary>
    public int Fd { get; private set; }

    /// <summary>The directory's absolute path in the workspace, as the kernel names it.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens <paramref name="path"/> (default <c>/</c>; relative paths start at <c>/</c>).
    /// Throws <see cref="OperationException"/>: <c>not_found</c>, <c>bad_request</c> (not a
    /// directory, a malformed path), <c>forbidden</c> (a reserved directory, no permission).
    /// </summary>
    public static WorkspaceDirectory Open(string? path)
    {
        path = string.IsNullOrEmpty(path) ? "/" : path;
        if (path.Contains('\0', StringComparison.Ordinal))
            throw new OperationException("bad_request", "path must not contain NUL characters");
        if (path.Length > WorkspacePath.MaxLength)
            throw new OperationException("bad_request", $"path is longer than {WorkspacePath.MaxLength} characters");

        var fd = WorkspaceRoot.OpenInWorkspace(path, Libc.O_PATH);
        if (fd < 0) throw Failure("resolve", Libc.Errno, path);
        using var located = new Fd(fd);
        if (Libc.Statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_BASIC_STATS | Libc.STATX_MNT_ID, out var st) != 0)
            throw Failure("stat", Libc.Errno, path);
        WorkspaceRoot.EnsureVisible(st, path);
        var canonical = WorkspaceRoot.CanonicalPath(located);
        if (canonical.Length == 0)
            throw new OperationException("io_error", $"{path}: cannot name the resolved directory (is /proc mounted?)");
        if (IsReserved(canonical))
            throw new OperationException("forbidden", $"{path} is {canonical}, which belongs to the agent or the kernel");
        if (!st.IsDirectory)
            throw new OperationException("bad_request", $"{path} is not a directory");
        var directory = Libc.OpenAt(fd, ".", Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (directory < 0) throw Failure("open", Libc.Errno, path);
        return new WorkspaceDirectory(directory, canonical);
    }

    /// <summary>Whether <paramref name="absolutePath"/> is, or is inside, a <see cref="Reserved"/> directory.</summary>
    public static bool IsReserved(string absolutePath)
    {
        foreach (var reserved in Reserved)
            if (WorkspaceRoot.IsUnder(absolutePath, reserved)) return true;
        return false;
    }

    /// <summary>The absolute path of <paramref name="relativePath"/> below this directory.</summary>
    public string Absolute(string relativePath) =>
        relativePath.Length == 0 ? Path : Path == "/" ? "/" + relativePath : Path + "/" + relativePath;

    public void Dispose()
    {
        if (Fd < 0) return;
        Libc.Close(Fd);
        Fd = -1;
    }

    private static OperationException Failure(string what, int errno, string path) => errno switch
    {
        Libc.ENOENT or Libc.ENOTDIR => new("not_found", $"no such directory: {path}"),
        Libc.EACCES or Libc.EPERM => new("forbidden", $"{path}: permission denied"),
        Libc.ELOOP => new("bad_request", $"{path}: too many levels of symbolic links"),
        Libc.ENAMETOOLONG => new("bad_request", $"{path}: name too long"),
        Libc.ENOSYS => new("unsupported", "the kernel has no openat2 (Linux 5.6 or later is needed)"),
        _ => new("io_error", $"{what} {path}: {Libc.Describe(errno)}"),
    };
}
