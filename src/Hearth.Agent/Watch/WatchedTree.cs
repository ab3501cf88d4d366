using Hearth.Agent.Interop;
using Hearth.Agent.Paths;

namespace Hearth.Agent.Watch;

/// <summary>
/// The directories a watch covers: one inotify watch each, by watch descriptor, with its path
/// below the root. At most <c>max</c> directories, and no more than the kernel allows
/// (fs.inotify.max_user_watches); past either, <see cref="Limit"/> says what was left out.
/// </summary>
internal sealed class WatchedTree(Inotify inotify, WatchExcludes excludes, int max, bool rootIsSlash) : ITreeVisitor
{
    private readonly Dictionary<int, string> _paths = [];
    private string _start = "";
    private Action<string>? _found;

    /// <summary>The number of directories watched.</summary>
    public int Count => _paths.Count;

    /// <summary>Why some directories are not watched, once that has happened.</summary>
    public string? Limit { get; private set; }

    public bool Done => false;

    /// <summary>
    /// Watches the directory open as <paramref name="fd"/> at <paramref name="relativePath"/>
    /// and every directory below it that is not excluded. <paramref name="found"/> hears of every
    /// entry met below it (a directory that appeared may already hold files when its watch
    /// starts).
    /// </summary>
    public void Add(int fd, string relativePath, Action<string>? found, CancellationToken cancellation)
    {
        _start = relativePath;
        _found = found;
        try
        {
            TreeWalk.Run(fd, relativePath, this, cancellation);
        }
        finally
        {
            _found = null;
        }
    }

    /// <summary>The path of a watch descriptor's directory, or null if it is not (or no longer) watched.</summary>
    public string? PathOf(int watch) => _paths.GetValueOrDefault(watch);

    /// <summary>The kernel dropped the watch (IN_IGNORED): the directory is gone or was unwatched.</summary>
    public void Forget(int watch) => _paths.Remove(watch);

    /// <summary>Stops watching <paramref name="relativePath"/> and everything below it (it moved away).</summary>
    public void Remove(string relativePath)
    {
        var prefix = relativePath + "/";
        foreach (var (watch, path) in _paths.ToList())
        {
            if (path != relativePath && !path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            inotify.Remove(watch);
            _paths.Remove(watch);
        }
    }

    public bool Descend(string relativePath, string name)
    {
        if (excludes.Matches(relativePath, name)) return false;
        if (rootIsSlash && relativePath == name && WorkspaceDirectory.IsReserved("/" + name)) return false;
        if (_paths.Count < max) return true;
        Limit ??= $"only {max} directories are watched; changes in the others are not reported";
        return false;
    }

    public void Entered(int fd, string relativePath)
    {
        var watch = inotify.Add(fd, out var errno);
        if (watch < 0)
        {
            if (errno == Libc.ENOSPC)
                Limit ??= $"the kernel's inotify watch limit (fs.inotify.max_user_watches) was reached at {_paths.Count} directories; changes in the others are not reported";
            return;
        }
        _paths[watch] = relativePath;
        if (relativePath != _start) _found?.Invoke(relativePath);
    }

    public void Left(string relativePath)
    {
    }

    public void Entry(int parentFd, string relativePath, string name, byte type)
    {
        if (_found is not null && !excludes.Matches(relativePath, name)) _found(relativePath);
    }
}
