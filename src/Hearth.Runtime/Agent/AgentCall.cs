using System.Text.Json;
using System.Threading.Channels;
using Hearth.Protocol.Agent;

namespace Hearth.Runtime.Agent;

/// <summary>
/// An operation running in the agent (docs/design/agent-protocol.md, "Operations"): its data
/// and events as a bounded channel, its input, and its final result. The reader of the
/// connection waits while the channel is full, so a slow consumer slows the agent down
/// instead of filling hearthd's memory, and with it every stream of the same connection:
/// calls that move a lot of data, or whose consumer is a remote client, use a connection of
/// their own (<c>AgentPool.DialAsync</c>).
/// </summary>
internal sealed class AgentCall : IAgentStreamSink
{
    /// <summary>Items held between the connection's reader and the consumer (data frames are at most 64 KiB).</summary>
    private const int Capacity = 16;

    private readonly AgentConnection connection;
    private readonly Channel<AgentCallItem> items = Channel.CreateBounded<AgentCallItem>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<JsonElement> result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal AgentCall(AgentConnection connection, uint stream)
    {
        this.connection = connection;
        Stream = stream;
    }

    public uint Stream { get; }

    /// <summary>Data and events in the order the agent sent them; completes before <see cref="Result"/>, or faults with it.</summary>
    public ChannelReader<AgentCallItem> Items => items.Reader;

    /// <summary>The operation's <c>result</c>; faults with <see cref="RuntimeException"/> (the agent's error code) on <c>error</c>.</summary>
    public Task<JsonElement> Result => result.Task;

    /// <summary>Reads the items to their end, discarding data, then returns the result.</summary>
    public async Task<JsonElement> ResultAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in items.Reader.ReadAllAsync(cancellationToken)) { }
        }
        catch (RuntimeException)
        {
            // Result carries the same error.
        }

        return await result.Task.WaitAsync(cancellationToken);
    }

    /// <summary>A read-only stream of the data frames (events are skipped); ends at the result, throws on an error.</summary>
    public Stream OpenData() => new AgentCallDataStream(items.Reader, this);

    /// <summary>
    /// The consumer is done before the call's end (its client left, it read enough): asks the
    /// agent to stop and drains what is still on its way, so the connection's reader never
    /// waits for a consumer that is gone. Nothing if the call has ended.
    /// </summary>
    public void Abandon()
    {
        if (result.Task.IsCompleted) return;
        _ = DrainAsync();
    }

    private async Task DrainAsync()
    {
        try
        {
            await CancelAsync(CancellationToken.None);
        }
        catch (RuntimeException)
        {
            // The connection is gone, and the call with it.
        }

        try
        {
            await foreach (var _ in items.Reader.ReadAllAsync()) { }
        }
        catch (RuntimeException)
        {
            // Ended with the agent's error (cancelled) or the connection's.
        }
    }

    /// <summary>Sends input bytes (stdin frames), split into frames.</summary>
    public async Task WriteInputAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        for (var offset = 0; offset < bytes.Length; offset += FrameCodec.MaxPayload)
        {
            var chunk = bytes.Slice(offset, Math.Min(FrameCodec.MaxPayload, bytes.Length - offset));
            await connection.SendAsync(new Frame(FrameKind.Stdin, Stream, chunk), cancellationToken);
        }
    }

    /// <summary>Ends the input (stdin-close).</summary>
    public Task CompleteInputAsync(CancellationToken cancellationToken = default) =>
        connection.SendAsync(new Frame(FrameKind.StdinClose, Stream, ReadOnlyMemory<byte>.Empty), cancellationToken);

    /// <summary>Asks the agent to stop the operation; it still answers with an <c>error cancelled</c>.</summary>
    public Task CancelAsync(CancellationToken cancellationToken = default) =>
        connection.SendControlAsync(Stream, new AgentMessage { Op = "cancel" }, cancellationToken);

    /// <summary>Sends a control message on the running stream.</summary>
    public Task SendControlAsync(AgentMessage message, CancellationToken cancellationToken = default) =>
        connection.SendControlAsync(Stream, message, cancellationToken);

    async ValueTask<bool> IAgentStreamSink.OnFrameAsync(Frame frame, AgentMessage? control)
    {
        if (control is null)
        {
            if (frame.Kind == FrameKind.Stdout) await WriteAsync(new AgentCallItem(frame.Payload, null));
            return false;
        }

        switch (control.Op)
        {
            case "event" when control.Result is { } value:
                await WriteAsync(new AgentCallItem(ReadOnlyMemory<byte>.Empty, value));
                return false;
            case "result":
                items.Writer.TryComplete();
                result.TrySetResult(control.Result ?? default);
                return true;
            case "error":
                Fail(new RuntimeException(control.Error ?? "agent_error", control.Message ?? "the agent reported an error"));
                return true;
            default:
                return false;
        }
    }

    void IAgentStreamSink.Fail(string reason) => Fail(new RuntimeException("agent_unreachable", reason));

    private void Fail(RuntimeException error)
    {
        items.Writer.TryComplete(error);
        result.TrySetException(error);
    }

    /// <summary>Waits for room; a consumer that gave up (completed the reader side by disposing) drops the item.</summary>
    private async ValueTask WriteAsync(AgentCallItem item)
    {
        try
        {
            await items.Writer.WriteAsync(item);
        }
        catch (ChannelClosedException)
        {
            // Failed or finished already.
        }
    }
}

/// <summary>One item of an <see cref="AgentCall"/>: a data frame's bytes, or an <c>event</c>'s value.</summary>
internal sealed record AgentCallItem(ReadOnlyMemory<byte> Data, JsonElement? Event);
