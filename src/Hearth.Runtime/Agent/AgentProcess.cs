using System.Threading.Channels;
using Hearth.Protocol.Agent;

namespace Hearth.Runtime.Agent;

/// <summary>A process the agent started for hearthd: its output as a channel, and its stdin and signals.</summary>
internal sealed class AgentProcess : IAgentStreamSink
{
    private readonly AgentConnection connection;
    private readonly TaskCompletionSource<int> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>
    /// Bounded: when the consumer lags, the connection's reader waits, the agent's queue fills
    /// and the agent stops reading the process's pipes. Exec's consumers never lag on the shared
    /// connection (they only buffer); a streamed task has a connection of its own.
    /// </summary>
    private readonly Channel<AgentOutput> output = Channel.CreateBounded<AgentOutput>(new BoundedChannelOptions(64) { SingleWriter = true, SingleReader = true });

    internal AgentProcess(AgentConnection connection, uint stream)
    {
        this.connection = connection;
        Stream = stream;
    }

    public uint Stream { get; }

    /// <summary>The process's pid inside the workspace, once started.</summary>
    public int Pid => started.Task.IsCompletedSuccessfully ? started.Task.Result : 0;

    internal Task Started => started.Task;

    /// <summary>stdout and stderr chunks, then one <see cref="AgentExit"/>; faults if the agent connection breaks.</summary>
    public ChannelReader<AgentOutput> Output => output.Reader;

    public Task WriteStdinAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        SendChunksAsync(bytes, cancellationToken);

    public Task CloseStdinAsync(CancellationToken cancellationToken = default) =>
        connection.SendAsync(new Frame(FrameKind.StdinClose, Stream, ReadOnlyMemory<byte>.Empty), cancellationToken);

    public Task SignalAsync(int signal, CancellationToken cancellationToken = default) =>
        connection.SendControlAsync(Stream, new AgentMessage { Op = "signal", Signal = signal }, cancellationToken);

    /// <summary>Resizes the pseudo-terminal of a process started with <c>SpawnTerminalAsync</c>.</summary>
    public Task ResizeAsync(AgentPtySize size, CancellationToken cancellationToken = default) =>
        connection.SendControlAsync(Stream, new AgentMessage
        {
            Op = "resize",
            Args = System.Text.Json.JsonSerializer.SerializeToElement(size, AgentTerminalsJsonContext.Default.AgentPtySize),
        }, cancellationToken);

    private async Task SendChunksAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < bytes.Length; offset += FrameCodec.MaxPayload)
        {
            var chunk = bytes.Slice(offset, Math.Min(FrameCodec.MaxPayload, bytes.Length - offset));
            await connection.SendAsync(new Frame(FrameKind.Stdin, Stream, chunk), cancellationToken);
        }
    }

    async ValueTask<bool> IAgentStreamSink.OnFrameAsync(Frame frame, AgentMessage? control)
    {
        if (control is not null) return await HandleAsync(control);
        if (frame.Kind is FrameKind.Stdout or FrameKind.Stderr)
            await WriteAsync(new AgentData(frame.Kind == FrameKind.Stderr, frame.Payload));
        return false;
    }

    private async ValueTask WriteAsync(AgentOutput item)
    {
        try
        {
            await output.Writer.WriteAsync(item);
        }
        catch (ChannelClosedException)
        {
            // Failed already.
        }
    }

    /// <summary>Handles a control message of this stream; true when the stream has ended.</summary>
    private async ValueTask<bool> HandleAsync(AgentMessage message)
    {
        switch (message.Op)
        {
            case "spawned":
                started.TrySetResult(message.Pid ?? 0);
                return false;
            case "exit":
                await WriteAsync(new AgentExit(message.ExitCode, message.Signal));
                output.Writer.TryComplete();
                return true;
            case "error":
                Fail(message.Message ?? message.Error ?? "the agent reported an error", message.Error);
                return true;
            default:
                return false;
        }
    }

    public void Fail(string reason) => Fail(reason, null);

    private void Fail(string reason, string? code)
    {
        var error = new RuntimeException(code ?? "agent_unreachable", reason);
        started.TrySetException(error);
        output.Writer.TryComplete(error);
    }
}
