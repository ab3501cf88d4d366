namespace Hearth.Runtime.Agent;

/// <summary>What a process started through the agent produced, in order; <see cref="AgentExit"/> is last.</summary>
internal abstract record AgentOutput;

/// <summary>Bytes from stdout (<see cref="IsStderr"/> false) or stderr.</summary>
internal sealed record AgentData(bool IsStderr, ReadOnlyMemory<byte> Bytes) : AgentOutput;

/// <summary>The process ended with an exit code, or was killed by a signal.</summary>
internal sealed record AgentExit(int? Code, int? Signal) : AgentOutput
{
    /// <summary>The shell's convention: the code, or 128 + the signal.</summary>
    public int ShellCode => Code ?? 128 + (Signal ?? 0);
}
