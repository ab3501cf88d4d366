using Hearth.Agent.Interop;

namespace Hearth.Agent.Paths;

/// <summary>
/// Walks a directory tree depth-first by descriptors: each subdirectory is opened relative to
/// its parent with O_NOFOLLOW | O_DIRECTORY, so symlinks are never followed and a rename during
/// the walk cannot lead it outside. A directory on the agent's own mounts, or the mount of
/// <c>/proc</c>, <c>/sys</c> or <c>/dev</c>, is not entered (<see cref="WorkspaceRoot"/>, by
/// mount id). It holds one descriptor per level, at most <see cref="MaxDepth"/>; deeper
/// directories are not entered. Names that are not UTF-8 are left out: visitors get names as
/// text, and could not open such an entry again by it.
/// </summary>
internal static class TreeWalk
{
    public const int MaxDepth = 64;

    public static void Run(WorkspaceDirectory root, ITreeVisitor visitor, CancellationToken cancellation) =>
        Run(root.Fd, "", visitor, cancellation);

    /// <summary>
    /// Walks the directory open as <paramref name="fd"/> (not closed), named
    /// <paramref name="relativePath"/>; nothing if that directory is itself off limits.
    /// </summary>
    public static void Run(int fd, string relativePath, ITreeVisitor visitor, CancellationToken cancellation)
    {
        if (OffLimits(fd)) return;
        var stack = new Stack<Frame>();
        visitor.Entered(fd, relativePath);
        stack.Push(new Frame(fd, relativePath, Read(fd), Owned: false));
        try
        {
            while (!visitor.Done && stack.TryPeek(out var frame))
            {
                cancellation.ThrowIfCancellationRequested();
                if (frame.Next >= frame.Entries.Count)
                {
                    stack.Pop();
                    if (frame.Owned) Libc.Close(frame.Fd);
                    visitor.Left(frame.RelativePath);
                    continue;
                }

                var entry = frame.Entries[frame.Next++];
                var path = frame.RelativePath.Length == 0 ? entry.Name : frame.RelativePath + "/" + entry.Name;
                if (entry.Type is not (Libc.DT_DIR or Libc.DT_UNKNOWN))
                {
                    visitor.Entry(frame.Fd, path, entry.Name, entry.Type);
                    continue;
                }

                var known = entry.Type == Libc.DT_DIR;
                if (known && (stack.Count > MaxDepth || !visitor.Descend(path, entry.Name))) continue;

                // DT_UNKNOWN may be anything: opening it as a directory tells.
                var child = Libc.OpenAt(frame.Fd, entry.Name,
                    Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0);
                if (child < 0)
                {
                    visitor.Entry(frame.Fd, path, entry.Name, known ? Libc.DT_DIR : Libc.DT_UNKNOWN);
                    continue;
                }

                if (OffLimits(child))
                {
                    Libc.Close(child);
                    continue;
                }

                if (!known && (stack.Count > MaxDepth || !visitor.Descend(path, entry.Name)))
                {
                    Libc.Close(child);
                    continue;
                }

                visitor.Entered(child, path);
                stack.Push(new Frame(child, path, Read(child), Owned: true));
            }
        }
        finally
        {
            while (stack.TryPop(out var frame))
                if (frame.Owned) Libc.Close(frame.Fd);
        }
    }

    private static List<DirectoryEntry> Read(int fd)
    {
        var entries = DirectoryReader.ReadAll(fd);
        entries.RemoveAll(static e => !e.IsUtf8);
        return entries;
    }

    /// <summary>Whether the directory open as <paramref name="fd"/> is one the walk must not enter (the agent's or the kernel's).</summary>
    private static bool OffLimits(int fd)
    {
        if (Libc.Statx(fd, "", Libc.AT_EMPTY_PATH, Libc.STATX_BASIC_STATS | Libc.STATX_MNT_ID, out var st) != 0) return true;
        return WorkspaceRoot.IsHidden(st) || WorkspaceRoot.IsPseudoMount(st);
    }

    private sealed record Frame(int Fd, string RelativePath, List<DirectoryEntry> Entries, bool Owned)
    {
        public int Next { get; set; }
    }
}
