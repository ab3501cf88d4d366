namespace Hearth.Agent.Init;

/// <summary>A status word from waitpid(2), decoded as the WIFEXITED/WIFSIGNALED macros do.</summary>
internal readonly record struct WaitStatus(int Raw)
{
    /// <summary>WIFEXITED: the process called exit(3).</summary>
    public bool Exited => (Raw & 0x7f) == 0;

    /// <summary>WTERMSIG: the signal that killed it, when <see cref="Exited"/> is false.</summary>
    public int TermSignal => Raw & 0x7f;

    /// <summary>WEXITSTATUS: the low 8 bits of the exit code, when <see cref="Exited"/> is true.</summary>
    public int ExitStatus => (Raw >> 8) & 0xff;

    /// <summary>
    /// The code a shell would report (sh(1p), "Exit Status"): the exit status, or 128 plus the
    /// signal number for a process killed by a signal (143 for SIGTERM).
    /// </summary>
    public int ToExitCode() => Exited ? ExitStatus : 128 + TermSignal;
}
