using Hearth.Agent.Interop;

namespace Hearth.Agent.Tree;

/// <summary>What a <see cref="TreeWalk"/> asks and tells as it goes.</summary>
internal interface ITreeVisitor
{
    /// <summary>True once the visitor has seen enough: the walk stops.</summary>
    bool Done { get; }

    /// <summary>Whether to walk into the subdirectory <paramref name="relativePath"/> (named <paramref name="name"/>).</summary>
    bool Descend(string relativePath, string name);

    /// <summary>A directory is open as <paramref name="fd"/> (valid during the call only); the root is <c>""</c>.</summary>
    void Entered(int fd, string relativePath);

    /// <summary>Every entry of the directory has been visited.</summary>
    void Left(string relativePath);

    /// <summary>
    /// An entry that is not walked into: a file, a symlink, a device, or a directory the walk
    /// could not open. <paramref name="parentFd"/> is valid during the call only.
    /// </summary>
    void Entry(int parentFd, string relativePath, string name, byte type);
}

/// <summary>
/// Walks a directory tree depth-first by descriptors: each subdirectory is opened relative to
/// its parent with O_NOFOLLOW | O_DIRECTORY, so symlinks are never followed and a rename during
/// the walk cannot lead it outside. It holds one descriptor per level, at most
/// <see cref="MaxDepth"/>; deeper directories are not entered.
/// </summary>
internal static class TreeWalk
{
    public const int MaxDepth = 64;

    public static void Run(WorkspaceDirectory root, ITreeVisitor visitor, CancellationToken cancellation) =>
        Run(root.Fd, "", visitor, cancellation);

    /// <summary>Walks the directory open as <paramref name="fd"/> (not closed), named <paramref name="relativePath"/>.</summary>
    public static void Run(int fd, string relativePath, ITreeVisitor visitor, CancellationToken cancellation)
    {
        var stack = new Stack<Frame>();
        visitor.Entered(fd, relativePath);
        stack.Push(new Frame(fd, relativePath, DirectoryEntries.Read(fd), Owned: false));
        try
        {
            while (!visitor.Done && stack.TryPeek(out var frame))
            {
                cancellation.ThrowIfCancellationRequested();
                if (frame.Next >= frame.Entries.Count)
                {
                    stack.Pop();
                    if (frame.Owned) TreeLibc.Close(frame.Fd);
                    visitor.Left(frame.RelativePath);
                    continue;
                }

                var entry = frame.Entries[frame.Next++];
                var path = frame.RelativePath.Length == 0 ? entry.Name : frame.RelativePath + "/" + entry.Name;
                if (entry.Type is not (TreeLibc.DT_DIR or TreeLibc.DT_UNKNOWN))
                {
                    visitor.Entry(frame.Fd, path, entry.Name, entry.Type);
                    continue;
                }

                var known = entry.Type == TreeLibc.DT_DIR;
                if (known && (stack.Count > MaxDepth || !visitor.Descend(path, entry.Name))) continue;

                // DT_UNKNOWN may be anything: opening it as a directory tells.
                var child = TreeLibc.OpenAt(frame.Fd, entry.Name,
                    TreeLibc.O_RDONLY | TreeLibc.O_DIRECTORY | TreeLibc.O_NOFOLLOW | TreeLibc.O_CLOEXEC | TreeLibc.O_NONBLOCK, 0);
                if (child < 0)
                {
                    visitor.Entry(frame.Fd, path, entry.Name, known ? TreeLibc.DT_DIR : TreeLibc.DT_UNKNOWN);
                    continue;
                }

                if (!known && (stack.Count > MaxDepth || !visitor.Descend(path, entry.Name)))
                {
                    TreeLibc.Close(child);
                    continue;
                }

                visitor.Entered(child, path);
                stack.Push(new Frame(child, path, DirectoryEntries.Read(child), Owned: true));
            }
        }
        finally
        {
            while (stack.TryPop(out var frame))
                if (frame.Owned) TreeLibc.Close(frame.Fd);
        }
    }

    private sealed record Frame(int Fd, string RelativePath, List<DirectoryEntry> Entries, bool Owned)
    {
        public int Next { get; set; }
    }
}
