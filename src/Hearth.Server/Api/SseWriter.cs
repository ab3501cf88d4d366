using System.Text;

namespace Hearth.Server.Api;

/// <summary>
/// A Server-Sent Events response (text/event-stream): events, comments, and a <c>: heartbeat</c>
/// comment every <see cref="HeartbeatInterval"/> so that proxies and clients see a quiet stream
/// is alive. Writes are serialised (the heartbeat runs beside the caller). Events are buffered
/// until <see cref="FlushAsync"/>, so a burst (many log lines) costs one flush, not one each.
/// </summary>
internal sealed class SseWriter : IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly HttpResponse response;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CancellationTokenSource stop;
    private readonly Task heartbeat;

    private SseWriter(HttpResponse response, CancellationToken cancellationToken)
    {
        this.response = response;
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        heartbeat = BeatAsync();
    }

    /// <summary>
    /// What a stream's work waits on: its client leaving, or hearthd stopping (a shutdown must
    /// not wait for a stream that would otherwise never end). The caller disposes it.
    /// </summary>
    public static CancellationTokenSource Lifetime(HttpContext context) => CancellationTokenSource.CreateLinkedTokenSource(
        context.RequestAborted, context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);

    /// <summary>
    /// Commits the response as an event stream and sends an opening comment at once: a client
    /// that has read it is subscribed, so nothing published after that moment can be missed.
    /// </summary>
    public static async Task<SseWriter> StartAsync(HttpResponse response, string opening, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // Tells nginx-style proxies in front of hearthd not to buffer the stream.
        response.Headers["X-Accel-Buffering"] = "no";
        await response.WriteAsync($": {opening}\n\n", Encoding.UTF8, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        return new SseWriter(response, cancellationToken);
    }

    /// <summary>Buffers one event: <c>event:</c> when <paramref name="name"/> is set, <c>id:</c> when <paramref name="id"/> is, and one <c>data:</c> line (JSON has no raw newlines).</summary>
    public async Task WriteAsync(string json, string? name = null, string? id = null, bool flush = true)
    {
        var text = new StringBuilder(json.Length + 32);
        if (name is not null) text.Append("event: ").Append(name).Append('\n');
        if (id is not null) text.Append("id: ").Append(id).Append('\n');
        text.Append("data: ").Append(json).Append("\n\n");
        await WriteRawAsync(text.ToString(), flush);
    }

    /// <summary>
    /// Sends events already in SSE form (UTF-8, each ending in a blank line) and flushes once:
    /// for bursts formatted by the caller (log lines), one write and one flush per burst.
    /// </summary>
    public async Task SendAsync(ReadOnlyMemory<byte> events)
    {
        await gate.WaitAsync(stop.Token);
        try
        {
            await response.Body.WriteAsync(events, stop.Token);
            await response.Body.FlushAsync(stop.Token);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Sends everything buffered.</summary>
    public async Task FlushAsync()
    {
        await gate.WaitAsync(stop.Token);
        try { await response.Body.FlushAsync(stop.Token); }
        finally { gate.Release(); }
    }

    private async Task WriteRawAsync(string text, bool flush)
    {
        await gate.WaitAsync(stop.Token);
        try
        {
            await response.WriteAsync(text, Encoding.UTF8, stop.Token);
            if (flush) await response.Body.FlushAsync(stop.Token);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task BeatAsync()
    {
        try
        {
            using var timer = new PeriodicTimer(HeartbeatInterval);
            while (await timer.WaitForNextTickAsync(stop.Token))
                await WriteRawAsync(": heartbeat\n\n", flush: true);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The stream ended, or its client went away: the caller's next write says so.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await heartbeat;
        stop.Dispose();
        gate.Dispose();
    }
}
