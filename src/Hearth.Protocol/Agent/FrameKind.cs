namespace Hearth.Protocol.Agent;

/// <summary>The kind byte of an agent protocol frame (docs/design/agent-protocol.md).</summary>
public enum FrameKind : byte
{
    /// <summary>One UTF-8 JSON object with an <c>op</c> field.</summary>
    Control = 1,
    /// <summary>Bytes a process wrote to its stdout (agent to hearthd).</summary>
    Stdout = 2,
    /// <summary>Bytes a process wrote to its stderr (agent to hearthd).</summary>
    Stderr = 3,
    /// <summary>Bytes for a process's stdin (hearthd to agent).</summary>
    Stdin = 4,
    /// <summary>Closes a process's stdin (hearthd to agent); empty payload.</summary>
    StdinClose = 5,
}
