using Hearth.Protocol.Agent;

namespace Hearth.Runtime.Agent;

/// <summary>Where <see cref="AgentConnection"/>'s reader delivers the frames of one stream.</summary>
internal interface IAgentStreamSink
{
    /// <summary>A data or control frame of the stream; true when it was the stream's last.</summary>
    ValueTask<bool> OnFrameAsync(Frame frame, AgentMessage? control);

    /// <summary>The connection ended before the stream did.</summary>
    void Fail(string reason);
}
