using System.Net;
using System.Text.Json;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>
/// A control-plane SSE stream (workload and workspace logs, stats) read in the background: each
/// event's <c>id</c>, <c>event</c> name, <c>data</c> JSON and the moment it arrived.
/// </summary>
public sealed class SseEventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;
    private readonly List<SseEvent> received = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task pump;

    private SseEventStream(HttpResponseMessage response, StreamReader reader, string opening)
    {
        this.response = response;
        this.reader = reader;
        Opening = opening;
        pump = Task.Run(PumpAsync);
    }

    /// <summary>The server's opening comment; once it has been read the stream is subscribed.</summary>
    public string Opening { get; }

    /// <summary>Completes when the server ends the stream.</summary>
    public Task Ended => pump;

    /// <summary>Opens <paramref name="path"/> and returns once its opening comment is read; fails the test on an error status.</summary>
    public static async Task<SseEventStream> OpenAsync(HearthdInstance hearthd, string path, string? lastEventId = null)
    {
        var (status, body, stream) = await TryOpenAsync(hearthd, path, lastEventId);
        if (stream is null) Assert.Fail($"GET {path}: {(int)status} {body}");
        return stream!;
    }

    /// <summary>Opens <paramref name="path"/>; an error status comes back with its body and no stream.</summary>
    public static async Task<(HttpStatusCode Status, string Body, SseEventStream? Stream)> TryOpenAsync(HearthdInstance hearthd, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await hearthd.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).Within();
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync().Within();
            response.Dispose();
            return (response.StatusCode, body, null);
        }
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync().Within());
        var first = await reader.ReadLineAsync().Within();
        Assert.StartsWith(": ", first);
        return (response.StatusCode, "", new SseEventStream(response, reader, first!));
    }

    public IReadOnlyList<SseEvent> Received
    {
        get { lock (received) return [.. received]; }
    }

    /// <summary>The log-line events so far (those with a <c>line</c>).</summary>
    public IReadOnlyList<SseEvent> Lines => [.. Received.Where(e => e.Data.TryGetProperty("line", out _))];

    /// <summary>Waits until <paramref name="match"/> holds for the events received, at most <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<SseEvent>> WaitUntilAsync(Func<IReadOnlyList<SseEvent>, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            // Read before the events, so that what arrived before the end is still looked at.
            var ended = pump.IsCompleted;
            var events = Received;
            if (match(events)) return events;
            if (ended || DateTime.UtcNow > deadline)
                throw new TimeoutException($"no {what} within {timeout.TotalMilliseconds:0} ms (stream ended: {ended}); received {events.Count}, the last: "
                    + string.Join("; ", events.TakeLast(10).Select(e => $"{e.Id} {e.Event} {e.Data}")));
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        response.Dispose();
        await pump.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        reader.Dispose();
        stop.Dispose();
    }

    private async Task PumpAsync()
    {
        string? name = null, id = null;
        try
        {
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
                else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line["id: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var at = DateTimeOffset.UtcNow;
                    using var document = JsonDocument.Parse(line["data: ".Length..]);
                    lock (received) received.Add(new SseEvent(id, name ?? "message", document.RootElement.Clone(), at));
                }
                else if (line.Length == 0)
                {
                    name = null;
                    id = null;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
            // Disposed, or the server went away.
        }
    }
}

/// <summary>One server-sent event: its <c>id</c> (if any), name, data and arrival time.</summary>
public sealed record SseEvent(string? Id, string Event, JsonElement Data, DateTimeOffset ReceivedAt)
{
    public string Line => Data.GetProperty("line").GetString()!;
    public long Cursor => Data.GetProperty("cursor").GetInt64();
}
