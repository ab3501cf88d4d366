namespace Hearth.Agent.Paths;

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
