using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Files;

/// <summary>
/// <c>rm -r --one-file-system</c> on descriptors: every directory is opened with O_NOFOLLOW
/// relative to its parent's descriptor and every entry removed with unlinkat there, so a
/// directory swapped for a symlink mid-way is removed as a symlink, never followed. Iterative
/// (an explicit stack, one descriptor per level), so a deep tree does not exhaust the
/// operation thread's small stack. Another mount met below stops it with <c>conflict</c>.
/// </summary>
internal static unsafe class TreeRemover
{
    /// <summary>Levels held open at once; deeper trees fail rather than run out of descriptors.</summary>
    /// <summary>The deepest tree a walk of the fs.* operations enters (delete, archive).</summary>
    public const int MaxDepth = 1000;

    public static void Remove(Fd parent, WorkspacePath path, ulong mountId, CancellationToken cancellation)
    {
        var stack = new List<Frame>();
        try
        {
            var rawName = Libc.Utf8(path.Name);
            if (Open(parent, rawName, path.Value, mountId) is not { } first)
            {
                // Swapped for a file or a symlink since it was looked at: that is what goes.
                Unlink(parent, rawName, 0, path.Value);
                return;
            }

            stack.Add(first);
            while (stack.Count > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                var top = stack[^1];
                if (top.Reader.Next(out var entry))
                {
                    var entryPath = top.Path + "/" + entry.Name;
                    if (IsDirectory(top.Dir, entry, entryPath) && Open(top.Dir, entry.RawName, entryPath, mountId) is { } child)
                    {
                        if (stack.Count >= MaxDepth) throw new OperationException("conflict", $"{path} is more than {MaxDepth} levels deep");
                        stack.Add(child);
                        continue;
                    }

                    Unlink(top.Dir, entry.RawName, 0, entryPath);
                    top.RemovedAny = true;
                    continue;
                }

                // The end of the listing: read it again if entries went meanwhile, as getdents
                // offsets are not guaranteed stable under removal.
                if (top.RemovedAny)
                {
                    top.RemovedAny = false;
                    top.Reader.Rewind();
                    continue;
                }

                stack.RemoveAt(stack.Count - 1);
                top.Dir.Dispose();
                Unlink(stack.Count > 0 ? stack[^1].Dir : parent, top.RawName, Libc.AT_REMOVEDIR, top.Path);
                if (stack.Count > 0) stack[^1].RemovedAny = true;
            }
        }
        finally
        {
            foreach (var frame in stack) frame.Dir.Dispose();
        }
    }

    private static bool IsDirectory(Fd dir, in DirectoryEntry entry, string path)
    {
        if (entry.Type != Libc.DT_UNKNOWN) return entry.Type == Libc.DT_DIR;
        fixed (byte* name = entry.RawName)
            return Libc.Statx(dir.Value, name, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, out var st) == 0 && st.IsDirectory;
    }

    /// <summary>Opens a directory to empty it; null when it turned out not to be one (removed as a file then).</summary>
    private static Frame? Open(Fd parent, byte[] rawName, string path, ulong mountId)
    {
        int fd;
        fixed (byte* name = rawName)
            fd = Libc.OpenAt(parent.Value, name, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            var errno = Libc.Errno;
            if (errno is Libc.ENOTDIR or Libc.ELOOP) return null;
            throw FileErrors.From(errno, path);
        }

        var dir = new Fd(fd);
        var st = WorkspaceRoot.Stat(dir, path);
        if (st.MountId != mountId)
        {
            dir.Dispose();
            throw new OperationException("conflict", $"{path} is a mount point; the removal stopped there");
        }

        return new Frame(dir, new DirectoryReader(dir, path), rawName, path);
    }

    private static void Unlink(Fd dir, byte[] rawName, int flags, string path)
    {
        int result;
        fixed (byte* name = rawName) result = Libc.UnlinkAt(dir.Value, name, flags);
        if (result != 0 && Libc.Errno != Libc.ENOENT) throw FileErrors.Last(path);
    }

    private sealed class Frame(Fd dir, DirectoryReader reader, byte[] rawName, string path)
    {
        public Fd Dir { get; } = dir;
        public DirectoryReader Reader { get; } = reader;
        public byte[] RawName { get; } = rawName;
        public string Path { get; } = path;
        public bool RemovedAny { get; set; }
    }
}
