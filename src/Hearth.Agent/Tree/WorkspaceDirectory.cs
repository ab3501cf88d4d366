using System.Runtime.InteropServices;
using Hearth.Agent.Interop;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Tree;

/// <summary>
/// A directory of the workspace, named by a request and opened for reading: the root of a
/// watch or a search. The path is resolved with openat2(RESOLVE_IN_ROOT |
/// RESOLVE_NO_MAGICLINKS) from <c>/</c>, so <c>..</c> and absolute symlinks stay inside the
/// workspace and <c>/proc/*/fd</c> links lead nowhere; the directory it lands on is then named
/// by the kernel (readlink of its descriptor), and refused if it is the agent's or the kernel's.
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

    private const int MaxPathLength = 4096;

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
        if (path.Length > MaxPathLength)
            throw new OperationException("bad_request", $"path is longer than {MaxPathLength} characters");

        var root = TreeLibc.OpenAt(-100, "/", TreeLibc.O_PATH | TreeLibc.O_DIRECTORY | TreeLibc.O_CLOEXEC, 0);
        if (root < 0) throw Failure("open /", Marshal.GetLastPInvokeError(), path);
        int located;
        try
        {
            var relative = path.TrimStart('/');
            located = TreeLibc.OpenAt2(root, relative.Length == 0 ? "." : relative, TreeLibc.O_PATH | TreeLibc.O_CLOEXEC,
                TreeLibc.RESOLVE_IN_ROOT | TreeLibc.RESOLVE_NO_MAGICLINKS);
            if (located < 0) throw Failure("resolve", Marshal.GetLastPInvokeError(), path);
        }
        finally
        {
            TreeLibc.Close(root);
        }

        try
        {
            var canonical = TreeLibc.ReadLink($"/proc/self/fd/{located}")
                ?? throw new OperationException("io_error", $"{path}: cannot name the resolved directory (is /proc mounted?)");
            if (IsReserved(canonical))
                throw new OperationException("forbidden", $"{path} is {canonical}, which belongs to the agent or the kernel");
            if ((TreeLibc.FstatMode(located) & TreeLibc.S_IFMT) != TreeLibc.S_IFDIR)
                throw new OperationException("bad_request", $"{path} is not a directory");
            var fd = TreeLibc.OpenAt(located, ".", TreeLibc.O_RDONLY | TreeLibc.O_DIRECTORY | TreeLibc.O_CLOEXEC, 0);
            if (fd < 0) throw Failure("open", Marshal.GetLastPInvokeError(), path);
            return new WorkspaceDirectory(fd, canonical);
        }
        finally
        {
            TreeLibc.Close(located);
        }
    }

    /// <summary>Whether <paramref name="absolutePath"/> is, or is inside, a <see cref="Reserved"/> directory.</summary>
    public static bool IsReserved(string absolutePath)
    {
        foreach (var reserved in Reserved)
        {
            if (absolutePath.StartsWith(reserved, StringComparison.Ordinal)
                && (absolutePath.Length == reserved.Length || absolutePath[reserved.Length] == '/'))
                return true;
        }
        return false;
    }

    /// <summary>The absolute path of <paramref name="relativePath"/> below this directory.</summary>
    public string Absolute(string relativePath) =>
        relativePath.Length == 0 ? Path : Path == "/" ? "/" + relativePath : Path + "/" + relativePath;

    public void Dispose()
    {
        if (Fd < 0) return;
        TreeLibc.Close(Fd);
        Fd = -1;
    }

    private static OperationException Failure(string what, int errno, string path) => errno switch
    {
        TreeLibc.ENOENT or TreeLibc.ENOTDIR => new("not_found", $"no such directory: {path}"),
        TreeLibc.EACCES or TreeLibc.EPERM => new("forbidden", $"{path}: permission denied"),
        TreeLibc.ELOOP => new("bad_request", $"{path}: too many levels of symbolic links"),
        TreeLibc.ENAMETOOLONG => new("bad_request", $"{path}: name too long"),
        TreeLibc.ENOSYS => new("unsupported", "the kernel has no openat2 (Linux 5.6 or later is needed)"),
        _ => new("io_error", $"{what} {path}: {TreeLibc.Describe(errno)}"),
    };
}
