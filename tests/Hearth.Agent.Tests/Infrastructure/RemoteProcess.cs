using System.Text;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Tests.Infrastructure;

/// <summary>The client side of one stream: its first answer, its output, its end.</summary>
public sealed class RemoteProcess
{
    private readonly AgentClient _client;
    private readonly object _gate = new();
    private readonly MemoryStream _stdout = new();
    private readonly MemoryStream _stderr = new();
    private readonly TaskCompletionSource<AgentMessage> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<AgentMessage> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _outputBytes;

    internal RemoteProcess(AgentClient client, uint stream, bool operation = false)
    {
        _client = client;
        Stream = stream;
        IsOperation = operation;
    }

    /// <summary>An operation's stream: data and <c>event</c>s, then <c>result</c> or <c>error</c> (no <c>spawned</c>).</summary>
    public bool IsOperation { get; }

    /// <summary>The <c>event</c> messages of an operation, in order.</summary>
    public List<AgentMessage> Events { get; } = [];

    /// <summary>A copy of <see cref="Events"/>, safe while events still arrive.</summary>
    public AgentMessage[] EventsSoFar()
    {
        lock (_gate) return [.. Events];
    }

    /// <summary>Waits until an event matching <paramref name="match"/> has arrived (polling) and returns it.</summary>
    public async Task<AgentMessage> WaitForEventAsync(Func<AgentMessage, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Bounded.Request);
        while (true)
        {
            if (EventsSoFar().FirstOrDefault(match) is { } found) return found;
            if (Ended.IsCompleted) throw new InvalidOperationException($"stream {Stream} ended ({Ended.Result.Op} {Ended.Result.Error} {Ended.Result.Message}) before the event");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"stream {Stream}: no matching event within {timeout ?? Bounded.Request}");
            await Task.Delay(10);
        }
    }

    public uint Stream { get; }

    /// <summary><c>spawned</c> or <c>error</c>: the first control message of the stream.</summary>
    public Task<AgentMessage> Started => _started.Task;

    /// <summary><c>exit</c> or <c>error</c>: the last frame of the stream.</summary>
    public Task<AgentMessage> Ended => _ended.Task;

    public int Pid => Started.Result.Pid ?? throw new InvalidOperationException($"stream {Stream} did not start: {Started.Result.Message}");

    /// <summary>Output bytes received so far, stdout and stderr together.</summary>
    public long OutputBytes => Interlocked.Read(ref _outputBytes);

    /// <summary>Whether the stream discards output rather than keeping it (for runs of many megabytes).</summary>
    public bool DiscardOutput { get; set; }

    public byte[] Stdout
    {
        get { lock (_gate) return _stdout.ToArray(); }
    }

    public byte[] Stderr
    {
        get { lock (_gate) return _stderr.ToArray(); }
    }

    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public string StderrText => Encoding.UTF8.GetString(Stderr);

    public Task<AgentMessage> WaitForEndAsync(TimeSpan? timeout = null) => Ended.Within(timeout);

    public Task WriteStdinAsync(byte[] data) => _client.SendAsync(new Frame(FrameKind.Stdin, Stream, data));

    public Task CloseStdinAsync() => _client.SendAsync(new Frame(FrameKind.StdinClose, Stream, ReadOnlyMemory<byte>.Empty));

    public Task SignalAsync(int signal) => _client.SendControlAsync(Stream, new AgentMessage { Op = "signal", Signal = signal });

    internal void OnFrame(Frame frame)
    {
        if (_ended.Task.IsCompleted)
        {
            _client.Violations.Enqueue($"stream {Stream}: frame of kind {frame.Kind} after the end");
            return;
        }

        switch (frame.Kind)
        {
            case FrameKind.Control when IsOperation:
                var reply = AgentClient.Parse(frame.Payload);
                if (reply.Op == "event")
                {
                    lock (_gate) Events.Add(reply);
                }
                else if (reply.Op is "result" or "error")
                {
                    _started.TrySetResult(reply);
                    _ended.TrySetResult(reply);
                }
                else
                {
                    _client.Violations.Enqueue($"stream {Stream}: unexpected {reply.Op} on an operation");
                }

                break;
            case FrameKind.Control:
                var message = AgentClient.Parse(frame.Payload);
                if (!_started.Task.IsCompleted)
                {
                    _started.TrySetResult(message);
                    if (message.Op == "error") _ended.TrySetResult(message);
                }
                else if (message.Op is "exit" or "error")
                {
                    _ended.TrySetResult(message);
                }
                else
                {
                    _client.Violations.Enqueue($"stream {Stream}: unexpected {message.Op}");
                }

                break;
            case FrameKind.Stdout or FrameKind.Stderr:
                if (!_started.Task.IsCompleted && !IsOperation)
                    _client.Violations.Enqueue($"stream {Stream}: output before spawned");
                if (frame.Payload.Length > 64 * 1024)
                    _client.Violations.Enqueue($"stream {Stream}: output frame of {frame.Payload.Length} bytes");
                Interlocked.Add(ref _outputBytes, frame.Payload.Length);
                if (DiscardOutput) break;
                lock (_gate)
                    (frame.Kind == FrameKind.Stdout ? _stdout : _stderr).Write(frame.Payload.Span);
                break;
            default:
                _client.Violations.Enqueue($"stream {Stream}: frame of kind {frame.Kind} from the agent");
                break;
        }
    }

    internal void OnConnectionEnded()
    {
        var gone = new InvalidOperationException($"stream {Stream}: the connection ended first");
        _started.TrySetException(gone);
        _ended.TrySetException(gone);
    }
}
