using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hearth.Agent.Init;
using Hearth.Protocol.Agent;


namespace Hearth.Agent.Server.Operations;

/// <summary>What an <see cref="OperationHandler"/> gets: its arguments, its input, and ways to answer.</summary>
internal sealed class OperationContext
{
    /// <summary>The largest data frame an operation sends; bigger writes are split.</summary>
    public const int ChunkSize = 64 * 1024;

    private readonly Connection _connection;
    private readonly AgentMessage _request;

    public OperationContext(Connection connection, uint stream, AgentMessage request, CancellationToken cancellation)
    {
        _connection = connection;
        Supervisor = connection.Supervisor;
        _request = request;
        Stream = stream;
        Cancellation = cancellation;
        Input = new OperationInput(cancellation);
    }

    public uint Stream { get; }

    public string Op => _request.Op;

    /// <summary>Starts helper processes (ripgrep) whose exit the reaper reports.</summary>
    public Supervisor Supervisor { get; }

    /// <summary>Cancelled by <c>cancel</c>, a signal, or the connection's end.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>The stdin frames of the stream, until stdin-close (then end of file).</summary>
    public OperationInput Input { get; }

    /// <summary>Handles control messages on the running stream other than <c>cancel</c> and <c>signal</c>.</summary>
    public Func<AgentMessage, bool>? OnControl { get; set; }

    /// <summary>The request's <c>args</c> as <typeparamref name="T"/>; missing args read as <c>{}</c>.</summary>
    public T Args<T>(JsonTypeInfo<T> type) where T : new()
    {
        try
        {
            return _request.Args is { ValueKind: JsonValueKind.Object } args
                ? args.Deserialize(type) ?? new T()
                : new T();
        }
        catch (JsonException e)
        {
            throw new OperationException("bad_request", $"args of {Op}: {e.Message}");
        }
    }

    /// <summary>Sends bytes as data frames, waiting while the connection is congested.</summary>
    public void SendData(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var chunk = data[..Math.Min(ChunkSize, data.Length)];
            if (!_connection.WaitWhileCongested(Cancellation))
                throw new OperationCanceledException(Cancellation);
            _connection.Send(FrameKind.Stdout, Stream, chunk.ToArray());
            data = data[chunk.Length..];
        }
    }

    /// <summary>A write-only stream whose bytes become data frames (for archive and compression writers).</summary>
    public Stream OpenData() => new OperationDataStream(this);

    /// <summary>Sends an <c>event</c> (a watcher change, an NDJSON batch, ...).</summary>
    public void SendEvent<T>(T value, JsonTypeInfo<T> type)
    {
        if (!_connection.WaitWhileCongested(Cancellation))
            throw new OperationCanceledException(Cancellation);
        _connection.SendControl(Stream, new AgentMessage { Op = "event", Result = JsonSerializer.SerializeToElement(value, type) });
    }

    /// <summary>Serialises a result for the handler to return.</summary>
    public static JsonElement Result<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToElement(value, type);
}
