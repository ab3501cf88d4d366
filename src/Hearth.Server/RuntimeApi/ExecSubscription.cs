using System.Threading.Channels;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// One SSE client of an exec task (see <see cref="ExecTaskState"/> for blocking and lossy
/// subscribers). Disposing it (the client left) removes it, so the task never waits for a
/// client that is gone.
/// </summary>
internal sealed class ExecSubscription : IDisposable
{
    private readonly ExecTaskState task;
    private readonly bool blocking;
    private readonly Channel<ExecEvent> channel;
    private readonly CancellationTokenSource left = new();

    public ExecSubscription(ExecTaskState task, int capacity, bool blocking)
    {
        this.task = task;
        this.blocking = blocking;
        // Room for the replay (stdout, stderr, exit) on top of the live events.
        channel = Channel.CreateBounded<ExecEvent>(new BoundedChannelOptions(capacity + 3) { SingleReader = true });
        Capacity = capacity;
    }

    public int Capacity { get; }

    public ChannelReader<ExecEvent> Reader => channel.Reader;

    /// <summary>Replayed output, before the subscriber is live.</summary>
    internal void Replay(ExecEvent e) => channel.Writer.TryWrite(e);

    /// <summary>
    /// A live event. A blocking subscriber waits while it has <see cref="Capacity"/> events
    /// unread; a lossy one that is that far behind is ended with an error. False when the
    /// subscriber is gone.
    /// </summary>
    internal async ValueTask<bool> OfferAsync(ExecEvent e)
    {
        if (!blocking)
        {
            if (channel.Writer.TryWrite(e)) return true;
            channel.Writer.TryComplete(new ExecSubscriberLaggedException(Capacity));
            return false;
        }
        try
        {
            await channel.Writer.WriteAsync(e, left.Token);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>The last event (exit); the stream ends after it, once the client has room for it.</summary>
    internal void End(ExecEvent e)
    {
        if (channel.Writer.TryWrite(e)) channel.Writer.TryComplete();
        else _ = EndLaterAsync(e);
    }

    private async Task EndLaterAsync(ExecEvent e)
    {
        try
        {
            await channel.Writer.WriteAsync(e, left.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            // The client left.
        }
        finally
        {
            channel.Writer.TryComplete();
        }
    }

    public void Dispose()
    {
        task.Unsubscribe(this);
        channel.Writer.TryComplete();
        left.Cancel();
    }
}

/// <summary>A lossy subscriber fell too far behind the task's output.</summary>
internal sealed class ExecSubscriberLaggedException(int capacity)
    : Exception($"the client fell more than {capacity} output chunks behind and was cut off; GET /exec/:id has the last 10 MiB");
