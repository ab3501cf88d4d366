using Hearth.Agent.Interop;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Paths;

/// <summary>
/// Where every file operation starts: the workspace's root directory as a descriptor, and the
/// rules for what under it an API client may reach (docs/design/runtime-files.md).
/// </summary>
/// <remarks>
/// Paths are resolved by the kernel with openat2(2) from the root descriptor with
/// RESOLVE_IN_ROOT (<c>..</c> and absolute symlinks stay under it, as if chrooted) and
/// RESOLVE_NO_MAGICLINKS (no <c>/proc/PID/root</c> or <c>/proc/self/fd/N</c> jumps). The
/// result is an O_PATH descriptor the operation then works relative to with the *at calls,
/// naming only a last component with O_NOFOLLOW / AT_SYMLINK_NOFOLLOW. Objects on the agent's
/// own mounts (<c>/.hearth</c>, <c>/.hearth-run</c>) are refused by mount id, wherever they
/// are reached from; writes are also refused on <c>/proc</c>, <c>/sys</c> and <c>/dev</c>.
/// </remarks>
internal static class WorkspaceRoot
{
    private const ulong Resolve = Libc.RESOLVE_IN_ROOT | Libc.RESOLVE_NO_MAGICLINKS;

    /// <summary>openat2 answers EAGAIN when a concurrent rename made a <c>..</c> unsafe to follow; it may be retried.</summary>
    private const int Attempts = 16;

    private static readonly Lazy<State> Shared = new(State.Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private static State Current => Shared.Value;

    /// <summary>Resolves <paramref name="path"/> inside the workspace; <c>null</c> when it (or a parent) does not exist.</summary>
    public static Fd? TryOpen(WorkspacePath path, int flags, int mode = 0)
    {
        var fd = OpenAt2(Current.Root.Value, path.Value, flags, mode, Resolve);
        if (fd >= 0) return new Fd(fd);
        var errno = Libc.Errno;
        if (errno == Libc.ENOENT) return null;
        throw FileErrors.From(errno, path.Value);
    }

    /// <summary>Resolves <paramref name="path"/> inside the workspace; <c>not_found</c> naming it when it does not exist.</summary>
    public static Fd Open(WorkspacePath path, int flags, int mode = 0) =>
        TryOpen(path, flags, mode) ?? throw FileErrors.From(Libc.ENOENT, path.Value);

    /// <summary>
    /// Resolves <paramref name="relative"/> beneath <paramref name="dir"/> (RESOLVE_BENEATH: no
    /// <c>..</c> above it, no absolute symlinks, no magic links); -1 with errno otherwise.
    /// </summary>
    public static int OpenBeneath(Fd dir, string relative, int flags, int mode = 0) =>
        OpenAt2(dir.Value, relative, flags, mode, Libc.RESOLVE_BENEATH | Libc.RESOLVE_NO_MAGICLINKS);

    /// <summary>Resolves <paramref name="relative"/> from <paramref name="dir"/> as if it were the root (RESOLVE_IN_ROOT); -1 with errno otherwise.</summary>
    public static int OpenInRoot(Fd dir, string relative, int flags, int mode = 0) =>
        OpenAt2(dir.Value, relative, flags, mode, Resolve);

    /// <summary>
    /// Resolves <paramref name="path"/> as given (not cleaned; relative paths start at the root)
    /// inside the workspace, with <paramref name="extraResolve"/> on top of the usual rules
    /// (RESOLVE_NO_SYMLINKS, say); -1 with errno otherwise.
    /// </summary>
    public static int OpenInWorkspace(string path, int flags, ulong extraResolve = 0) =>
        OpenAt2(Current.Root.Value, path.Length == 0 ? "." : path, flags, 0, Resolve | extraResolve);

    /// <summary>statx of the descriptor itself, with its mount id.</summary>
    public static Statx Stat(Fd fd, string path)
    {
        if (Libc.Statx(fd.Value, "", Libc.AT_EMPTY_PATH, Libc.STATX_BASIC_STATS | Libc.STATX_MNT_ID, out var st) != 0)
            throw FileErrors.Last(path);
        return st;
    }

    /// <summary>statx of <paramref name="name"/> in <paramref name="dir"/> without following a symlink; null when missing.</summary>
    public static Statx? StatAt(Fd dir, string name, string path)
    {
        if (Libc.Statx(dir.Value, name, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS | Libc.STATX_MNT_ID, out var st) == 0)
            return st;
        var errno = Libc.Errno;
        if (errno == Libc.ENOENT) return null;
        throw FileErrors.From(errno, path);
    }

    /// <summary>The agent's own mounts are not the workspace's files: <c>forbidden</c>.</summary>
    public static void EnsureVisible(in Statx st, string path)
    {
        if (IsHidden(st))
            throw new OperationException("forbidden", $"{path} is on the agent's own mount (/.hearth, /.hearth-run), which the runtime API does not reach");
    }

    /// <summary>Whether <paramref name="st"/> is on <c>/.hearth</c> or <c>/.hearth-run</c> (listings leave such entries out).</summary>
    public static bool IsHidden(in Statx st) => Current.IsAgentMount(st);

    /// <summary>Whether a listing or archive that meets this directory should stay out of it (<c>/proc</c>, <c>/sys</c>, <c>/dev</c>).</summary>
    public static bool IsPseudoMount(in Statx st) => Current.IsPseudoMount(st);

    /// <summary>
    /// Refuses to change anything in <paramref name="dir"/> when it is on the agent's mounts or
    /// under <c>/proc</c>, <c>/sys</c> or <c>/dev</c> (by path, and by file system type for a
    /// procfs or sysfs mounted elsewhere).
    /// </summary>
    public static unsafe void EnsureWritable(Fd dir, string path)
    {
        var st = Stat(dir, path);
        EnsureVisible(st, path);
        var canonical = CanonicalPath(dir);
        StatFs fs;
        var pseudo = Libc.FStatFs(dir.Value, &fs) == 0 && fs.Type is Libc.PROC_SUPER_MAGIC or Libc.SYSFS_MAGIC;
        if (pseudo || IsUnder(canonical, "/proc") || IsUnder(canonical, "/sys") || IsUnder(canonical, "/dev"))
            throw new OperationException("forbidden", $"{path}: the runtime API does not write under /proc, /sys or /dev");
    }

    /// <summary>
    /// Where a descriptor is in the agent's mount namespace, from the /proc/self/fd magic link
    /// (read, never followed). Only used to apply path rules to an object already resolved.
    /// </summary>
    public static unsafe string CanonicalPath(Fd fd)
    {
        var buffer = stackalloc byte[WorkspacePath.MaxLength + 1];
        var n = Libc.ReadLinkAt(-100 /* AT_FDCWD */, $"/proc/self/fd/{fd.Value}", buffer, WorkspacePath.MaxLength);
        return n <= 0 ? "" : System.Text.Encoding.UTF8.GetString(buffer, (int)n);
    }

    public static bool IsUnder(string path, string top) =>
        path == top || path.StartsWith(top + "/", StringComparison.Ordinal);

    private static int OpenAt2(int dirFd, string path, int flags, int mode, ulong resolve)
    {
        for (var attempt = 1; ; attempt++)
        {
            var fd = Libc.OpenAt2(dirFd, path, flags | Libc.O_CLOEXEC, mode, resolve);
            if (fd >= 0 || Libc.Errno != Libc.EAGAIN || attempt == Attempts) return fd;
        }
    }

    /// <summary>The root descriptor and the identities of the mounts the rules name, taken at first use.</summary>
    private sealed class State
    {
        private readonly ulong[] _agentMounts;
        private readonly (uint Major, uint Minor)? _runDevice;
        private readonly ulong[] _pseudoMounts;

        private State(Fd root, ulong[] agentMounts, (uint, uint)? runDevice, ulong[] pseudoMounts)
        {
            Root = root;
            _agentMounts = agentMounts;
            _runDevice = runDevice;
            _pseudoMounts = pseudoMounts;
        }

        public Fd Root { get; }

        public static State Load()
        {
            var root = Libc.Open("/", Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
            if (root < 0) throw FileErrors.Last("/");
            var rootMount = MountOf("/")?.MountId;
            // Only mount points count: a plain directory of that name shares the root's mount.
            Statx? Mounted(string path) => MountOf(path) is { } m && m.MountId != rootMount ? m : null;
            var hearth = Mounted("/.hearth");
            var run = Mounted("/.hearth-run");
            ulong[] agent = [.. new[] { hearth, run }.Where(m => m is not null).Select(m => m!.Value.MountId)];
            ulong[] pseudo = [.. new[] { "/proc", "/sys", "/dev" }.Select(Mounted).Where(m => m is not null).Select(m => m!.Value.MountId)];
            // The socket's tmpfs has a device of its own: a bind mount of it elsewhere is the same device.
            return new State(new Fd(root), agent, run is { } r ? (r.DevMajor, r.DevMinor) : null, pseudo);
        }

        public bool IsAgentMount(in Statx st) =>
            Array.IndexOf(_agentMounts, st.MountId) >= 0 || _runDevice == (st.DevMajor, st.DevMinor);

        public bool IsPseudoMount(in Statx st) => Array.IndexOf(_pseudoMounts, st.MountId) >= 0;

        private static Statx? MountOf(string path) =>
            Libc.Statx(-100 /* AT_FDCWD */, path, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS | Libc.STATX_MNT_ID, out var st) == 0
                && (st.Mask & Libc.STATX_MNT_ID) != 0 && st.IsDirectory ? st : null;
    }
}
