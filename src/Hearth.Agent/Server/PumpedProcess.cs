using Hearth.Protocol.Agent;

namespace Hearth.Agent.Server;

/// <summary>
/// What <see cref="PipePump"/> moves bytes for: the agent's ends of a process's pipes and what
/// to do with them. An exec process (<see cref="ExecProcess"/>) sends its output to hearthd and
/// takes stdin; a workload's or the main command's output goes to a log
/// (<see cref="Logs.LoggedOutput"/>), with no stdin.
/// </summary>
/// <remarks>
/// The descriptors are the pump's once <see cref="PipePump.Add"/> has run: only the pump thread
/// reads, writes or closes them, so a descriptor is never closed while another thread may still
/// use its number. -1 means closed (or never opened).
/// </remarks>
internal abstract class PumpedProcess
{
    internal int StdoutFd = -1;
    internal int StderrFd = -1;
    internal int StdinFd = -1;

    /// <summary>Whether output should wait (its reader is congested); the pump leaves its pipes out of the poll set meanwhile.</summary>
    public virtual bool IsOutputHeld => false;

    /// <summary>A chunk read from the pipe of <paramref name="kind"/>.</summary>
    public abstract void OnOutput(FrameKind kind, ReadOnlySpan<byte> chunk);

    /// <summary>The pipe of <paramref name="kind"/> reached end of file (the pump has closed it).</summary>
    public abstract void OnOutputEnd(FrameKind kind);

    /// <summary>
    /// What the pump should do with stdin now: close it (true), or write <paramref name="chunk"/>
    /// if it is not empty. Only called while <see cref="StdinFd"/> is open.
    /// </summary>
    public virtual bool NextStdin(out ReadOnlyMemory<byte> chunk)
    {
        chunk = default;
        return true;
    }

    /// <summary><paramref name="count"/> bytes of the chunk from <see cref="NextStdin"/> were written.</summary>
    public virtual void OnStdinWritten(int count)
    {
    }

    /// <summary>The process's end of stdin is closed (EPIPE).</summary>
    public virtual void OnStdinBroken()
    {
    }

    /// <summary>A terminal size waiting to be applied, if any.</summary>
    public virtual AgentPtySize? TakeResize() => null;
}
