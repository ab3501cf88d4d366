namespace Hearth.Agent.Interop;

/// <summary>What <see cref="PosixSpawn.Start"/> starts, and with which descriptors, environment and directory.</summary>
internal sealed record SpawnOptions
{
    /// <summary>The arguments; <c>argv[0]</c> is also the program when <see cref="Program"/> is null.</summary>
    public required IReadOnlyList<string> Argv { get; init; }

    /// <summary>
    /// The file to execute, used as is (posix_spawn); null looks <c>argv[0]</c> up in the agent's
    /// own PATH (posix_spawnp).
    /// </summary>
    public string? Program { get; init; }

    /// <summary>Variables set on top of the agent's environment; null passes it unchanged.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The child's working directory; null keeps the agent's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>A descriptor that becomes the child's fd 0; -1 to use <see cref="StdinPath"/> or inherit.</summary>
    public int StdinFd { get; init; } = -1;

    /// <summary>When not null and <see cref="StdinFd"/> is -1, opened read-only as the child's fd 0.</summary>
    public string? StdinPath { get; init; }

    /// <summary>
    /// A terminal's slave (<c>/dev/pts/N</c>): when set, the child starts a new session
    /// (setsid), opens it read-write as fd 0 — which makes it the controlling terminal — and
    /// copies it to fds 1 and 2. The descriptor and path fields above and below are ignored.
    /// </summary>
    public string? TerminalPath { get; init; }

    /// <summary>
    /// Start a new session (setsid) instead of only a new process group, without a terminal: a
    /// workload, whose processes are then found by their session id however they regroup.
    /// </summary>
    public bool NewSession { get; init; }

    /// <summary>A descriptor that becomes the child's fd 1; -1 to inherit the agent's.</summary>
    public int StdoutFd { get; init; } = -1;

    /// <summary>A descriptor that becomes the child's fd 2; -1 to inherit the agent's.</summary>
    public int StderrFd { get; init; } = -1;
}
