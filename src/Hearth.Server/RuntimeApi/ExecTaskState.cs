using System.Text;
using System.Threading.Channels;
using Hearth.Protocol.Runtime;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// One exec task: its output buffers (the last 10 MiB of each stream), status, and the SSE
/// subscribers that receive its events. A subscriber added before the process starts sees
/// every byte; one added later first gets the buffered output.
/// </summary>
internal sealed class ExecTaskState(string id, IReadOnlyList<string> command, int ttlSeconds)
{
    public const int BufferLimit = 10 * 1024 * 1024;
    private readonly object gate = new();
    private readonly MemoryStream stdout = new();
    private readonly MemoryStream stderr = new();
    private readonly List<Channel<ExecEvent>> subscribers = [];
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string status = "pending";
    private int? pid, exitCode;
    private bool timedOut;
    private DateTimeOffset? startedAt, exitedAt;

    public string Id { get; } = id;
    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
    public Task Completion => done.Task;
    public DateTimeOffset? ExitedAt { get { lock (gate) return exitedAt; } }
    public int TtlSeconds { get; } = ttlSeconds;

    /// <summary>The running process, for stdin and kill; null once it has ended.</summary>
    public Hearth.Runtime.Agent.AgentProcess? Process { get; set; }

    public void Started(int guestPid)
    {
        lock (gate) { status = "running"; pid = guestPid; startedAt = DateTimeOffset.UtcNow; }
    }

    public void Output(bool isStderr, ReadOnlyMemory<byte> bytes)
    {
        lock (gate)
        {
            Append(isStderr ? stderr : stdout, bytes.Span);
            Publish(new ExecEvent(isStderr ? "stderr" : "stdout", bytes, null));
        }
    }

    public void Exited(int code, bool killedByTimeout, string finalStatus = "exited")
    {
        lock (gate)
        {
            status = finalStatus;
            exitCode = code;
            timedOut = killedByTimeout;
            exitedAt = DateTimeOffset.UtcNow;
            Publish(new ExecEvent("exit", default, code));
            foreach (var subscriber in subscribers) subscriber.Writer.TryComplete();
            subscribers.Clear();
        }
        done.TrySetResult();
    }

    /// <summary>Events from now on; with <paramref name="replay"/>, the buffered output first.</summary>
    public ChannelReader<ExecEvent> Subscribe(bool replay)
    {
        var channel = Channel.CreateUnbounded<ExecEvent>();
        lock (gate)
        {
            if (replay)
            {
                if (stdout.Length > 0) channel.Writer.TryWrite(new ExecEvent("stdout", stdout.ToArray(), null));
                if (stderr.Length > 0) channel.Writer.TryWrite(new ExecEvent("stderr", stderr.ToArray(), null));
            }
            if (exitedAt is not null)
            {
                channel.Writer.TryWrite(new ExecEvent("exit", default, exitCode));
                channel.Writer.TryComplete();
            }
            else
            {
                subscribers.Add(channel);
            }
        }
        return channel.Reader;
    }

    public ExecTask ToWire(IReadOnlyList<string>? commandOverride = null)
    {
        lock (gate)
        {
            return new ExecTask
            {
                Id = Id,
                Command = commandOverride ?? command,
                Status = status,
                GuestPid = pid,
                ExitCode = exitCode,
                Stdout = Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length),
                Stderr = Encoding.UTF8.GetString(stderr.GetBuffer(), 0, (int)stderr.Length),
                TimedOut = timedOut,
                CreatedAt = CreatedAt,
                StartedAt = startedAt,
                ExitedAt = exitedAt,
                TtlSeconds = TtlSeconds,
            };
        }
    }

    public int? GuestPid { get { lock (gate) return pid; } }

    private void Publish(ExecEvent e)
    {
        foreach (var subscriber in subscribers) subscriber.Writer.TryWrite(e);
    }

    private static void Append(MemoryStream buffer, ReadOnlySpan<byte> bytes)
    {
        buffer.Write(bytes);
        if (buffer.Length <= BufferLimit) return;
        // Keep the tail: the end of a long output is what a caller needs most.
        var keep = buffer.GetBuffer().AsSpan((int)(buffer.Length - BufferLimit), BufferLimit).ToArray();
        buffer.SetLength(0);
        buffer.Write(keep);
    }
}

/// <summary>One event of an exec stream: <c>stdout</c>/<c>stderr</c> with bytes, or <c>exit</c> with the code.</summary>
internal sealed record ExecEvent(string Kind, ReadOnlyMemory<byte> Data, int? ExitCode);
