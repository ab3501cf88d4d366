using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Server;

/// <summary>
/// A running stream of a connection: a process from <c>spawn</c>, or an operation. The
/// connection's reader routes that stream's frames here; none of these may block the reader
/// for long, except <see cref="WriteStdin"/> of an operation (see <see cref="Operation"/>).
/// </summary>
internal interface IAgentStream
{
    /// <summary>The stream id on the connection that opened it.</summary>
    uint Stream { get; }

    /// <summary>A stdin frame for the stream.</summary>
    void WriteStdin(ReadOnlyMemory<byte> data);

    /// <summary>A stdin-close frame: no more input.</summary>
    void CloseStdin();

    /// <summary>A <c>signal</c> with a valid signal number.</summary>
    void Signal(int signal);

    /// <summary>Any other control message on the running stream; false if the stream does not know its op.</summary>
    bool Control(AgentMessage message);

    /// <summary>The connection is gone; nothing more can be sent.</summary>
    void OnConnectionLost();
}
