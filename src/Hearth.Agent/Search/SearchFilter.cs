using Hearth.Agent.Interop;
using Hearth.Agent.Paths;

namespace Hearth.Agent.Search;

/// <summary>
/// Which entries a search skips, as ripgrep decides by default: hidden names (unless asked),
/// what <c>.gitignore</c> and <c>.ignore</c> files along the walk exclude (unless
/// <c>no_gitignore</c>; <c>.ignore</c> wins over <c>.gitignore</c>, a deeper file over a
/// shallower one, and the root's parents count too), the request's <c>ignore_patterns</c> (above all), and, when the root is
/// <c>/</c>, the reserved directories. Keeps the stack of ignore files as the walk goes.
/// </summary>
internal sealed class SearchFilter
{
    private readonly bool _includeHidden;
    private readonly bool _useIgnoreFiles;
    private readonly IgnoreRules? _overrides;
    private readonly bool _rootIsSlash;
    /// <summary>
    /// Ignore files in effect, shallowest first. <c>Base</c> is the directory below the root they
    /// sit in; for those of the root's parents (ripgrep reads them too) it is <c>""</c> and
    /// <c>Prefix</c> is the root's path below the parent, so that a path is matched relative to
    /// the file's own directory.
    /// </summary>
    private readonly List<(string Base, string Prefix, IgnoreRules Rules)> _ignoreFiles = [];

    public SearchFilter(WorkspaceDirectory root, bool includeHidden, bool useIgnoreFiles, IReadOnlyList<string>? ignorePatterns)
    {
        _includeHidden = includeHidden;
        _useIgnoreFiles = useIgnoreFiles;
        _rootIsSlash = root.Path == "/";
        var overrides = IgnoreRules.Excluding(ignorePatterns ?? []);
        _overrides = overrides.IsEmpty ? null : overrides;
        if (useIgnoreFiles) LoadParents(root.Path);
    }

    /// <summary>A directory was entered: its ignore files apply below it.</summary>
    public void Entered(int fd, string relativePath) => Load(fd, relativePath, "");

    private void Load(int fd, string relativePath, string prefix)
    {
        if (!_useIgnoreFiles) return;
        if (IgnoreRules.Load(fd, ".gitignore") is { } gitignore) _ignoreFiles.Add((relativePath, prefix, gitignore));
        if (IgnoreRules.Load(fd, ".ignore") is { } ignore) _ignoreFiles.Add((relativePath, prefix, ignore));
    }

    /// <summary>The ignore files of the root's parents, from <c>/</c> down, opened without following symlinks.</summary>
    private void LoadParents(string rootPath)
    {
        if (rootPath == "/") return;
        var names = rootPath.Trim('/').Split('/');
        for (var depth = 0; depth < names.Length; depth++)
        {
            var fd = WorkspaceRoot.OpenInWorkspace("/" + string.Join('/', names[..depth]),
                Libc.O_RDONLY | Libc.O_DIRECTORY, Libc.RESOLVE_NO_SYMLINKS);
            if (fd < 0) continue;
            Load(fd, "", string.Join('/', names[depth..]) + "/");
            Libc.Close(fd);
        }
    }

    /// <summary>A directory was left: its ignore files no longer apply.</summary>
    public void Left(string relativePath)
    {
        while (_ignoreFiles.Count > 0 && _ignoreFiles[^1].Base == relativePath)
            _ignoreFiles.RemoveAt(_ignoreFiles.Count - 1);
    }

    public bool Skips(string relativePath, string name, bool isDirectory)
    {
        if (_rootIsSlash && isDirectory && relativePath == name && WorkspaceDirectory.IsReserved("/" + name)) return true;
        if (!_includeHidden && name.StartsWith('.')) return true;
        if (_overrides?.Match(relativePath, isDirectory) == true) return true;
        for (var i = _ignoreFiles.Count - 1; i >= 0; i--)
        {
            var (root, prefix, rules) = _ignoreFiles[i];
            var below = prefix + (root.Length == 0 ? relativePath : relativePath[(root.Length + 1)..]);
            if (rules.Match(below, isDirectory) is { } ignored) return ignored;
        }
        return false;
    }
}
