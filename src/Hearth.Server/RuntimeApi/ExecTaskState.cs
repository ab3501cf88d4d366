using System.Text;
using Hearth.Protocol.Runtime;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// One exec task: its output buffers (the last 10 MiB of each stream), status, and the SSE
/// subscribers that receive its events. A subscriber added before the process starts sees
/// every byte; one added later first gets the buffered output.
/// </summary>
/// <remarks>
/// Memory stays bounded whatever the output and however slow the clients. A task started
/// for streaming runs on an agent connection of its own (<see cref="HasOwnConnection"/>): its
/// subscribers are <em>blocking</em>, so a slow client slows the pump, the connection, the
/// agent and finally the process, as a pipe would. A task on the shared connection must never
/// stall it: its subscribers (attach) are <em>lossy</em>, and one that falls
/// <see cref="SubscriberCapacity"/> events behind is cut off with an error.
/// </remarks>
internal sealed class ExecTaskState(string id, IReadOnlyList<string> command, int ttlSeconds, bool hasOwnConnection)
{
    public const int BufferLimit = 10 * 1024 * 1024;

    /// <summary>Events a subscriber may have waiting (agent frames are at most 64 KiB of output).</summary>
    public const int SubscriberCapacity = 64;

    private readonly object gate = new();
    private readonly OutputTail stdout = new(BufferLimit);
    private readonly OutputTail stderr = new(BufferLimit);
    private readonly List<ExecSubscription> subscribers = [];
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

    /// <summary>Whether the task's process runs on an agent connection of its own (a streamed task).</summary>
    public bool HasOwnConnection { get; } = hasOwnConnection;

    /// <summary>The running process, for stdin and kill; null once it has ended.</summary>
    public Hearth.Runtime.Agent.AgentProcess? Process { get; set; }

    public void Started(int guestPid)
    {
        lock (gate) { status = "running"; pid = guestPid; startedAt = DateTimeOffset.UtcNow; }
    }

    /// <summary>A chunk of output: buffered, then handed to each subscriber (waiting for blocking ones).</summary>
    public async ValueTask OutputAsync(bool isStderr, ReadOnlyMemory<byte> bytes)
    {
        ExecSubscription[] current;
        lock (gate)
        {
            // Buffer and snapshot together: a subscriber added after this sees the chunk in its
            // replay, one added before gets it below, none gets it twice.
            (isStderr ? stderr : stdout).Append(bytes);
            current = [.. subscribers];
        }
        var e = new ExecEvent(isStderr ? "stderr" : "stdout", bytes, null);
        foreach (var subscriber in current)
            if (!await subscriber.OfferAsync(e)) Unsubscribe(subscriber);
    }

    public void Exited(int code, bool killedByTimeout, string finalStatus = "exited")
    {
        ExecSubscription[] current;
        lock (gate)
        {
            status = finalStatus;
            exitCode = code;
            timedOut = killedByTimeout;
            exitedAt = DateTimeOffset.UtcNow;
            current = [.. subscribers];
            subscribers.Clear();
        }
        foreach (var subscriber in current) subscriber.End(new ExecEvent("exit", default, code));
        done.TrySetResult();
    }

    /// <summary>Events from now on; with <paramref name="replay"/>, the buffered output first. Dispose to leave.</summary>
    public ExecSubscription Subscribe(bool replay)
    {
        var subscription = new ExecSubscription(this, SubscriberCapacity, blocking: HasOwnConnection);
        lock (gate)
        {
            if (replay)
            {
                if (stdout.Length > 0) subscription.Replay(new ExecEvent("stdout", stdout.ToArray(), null));
                if (stderr.Length > 0) subscription.Replay(new ExecEvent("stderr", stderr.ToArray(), null));
            }
            if (exitedAt is not null) subscription.End(new ExecEvent("exit", default, exitCode));
            else subscribers.Add(subscription);
        }
        return subscription;
    }

    internal void Unsubscribe(ExecSubscription subscription)
    {
        lock (gate) subscribers.Remove(subscription);
    }

    public ExecTask ToWire()
    {
        lock (gate)
        {
            return new ExecTask
            {
                Id = Id,
                Command = command,
                Status = status,
                GuestPid = pid,
                ExitCode = exitCode,
                Stdout = Encoding.UTF8.GetString(stdout.ToArray()),
                Stderr = Encoding.UTF8.GetString(stderr.ToArray()),
                TimedOut = timedOut,
                CreatedAt = CreatedAt,
                StartedAt = startedAt,
                ExitedAt = exitedAt,
                TtlSeconds = TtlSeconds,
            };
        }
    }

    public int? GuestPid { get { lock (gate) return pid; } }
}

/// <summary>One event of an exec stream: <c>stdout</c>/<c>stderr</c> with bytes, or <c>exit</c> with the code.</summary>
internal sealed record ExecEvent(string Kind, ReadOnlyMemory<byte> Data, int? ExitCode);
