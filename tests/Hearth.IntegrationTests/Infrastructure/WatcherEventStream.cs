using System.Text.Json;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>
/// A watcher's events read from <c>GET /watchers/:id/events</c> (SSE) in the background: each
/// <c>event:</c>/<c>data:</c> block as the same JSON the <c>/ws</c> socket carries.
/// </summary>
public sealed class WatcherEventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;
    private readonly List<(string Event, JsonElement Data)> received = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task pump;

    private WatcherEventStream(HttpResponseMessage response, StreamReader reader)
    {
        this.response = response;
        this.reader = reader;
        pump = Task.Run(PumpAsync);
    }

    /// <summary>Completes when the server ends the stream (the watcher ended).</summary>
    public Task Ended => pump;

    /// <summary>
    /// Opens the stream and returns once the server has subscribed it (its first line, a
    /// comment): every event after that is seen.
    /// </summary>
    public static async Task<WatcherEventStream> OpenAsync(RuntimeGatewayClient gateway, string watcherId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/watchers/{watcherId}/events");
        var response = await gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).Within();
        if (!response.IsSuccessStatusCode)
            Assert.Fail($"GET /watchers/{watcherId}/events: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().Within()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync().Within());
        var first = await reader.ReadLineAsync().Within();
        Assert.StartsWith(": watching ", first);
        return new WatcherEventStream(response, reader);
    }

    /// <summary>The events so far (<c>event</c> name, <c>data</c> JSON).</summary>
    public IReadOnlyList<(string Event, JsonElement Data)> Received
    {
        get { lock (received) return [.. received]; }
    }

    /// <summary>The <c>change</c> events so far, as (path, op).</summary>
    public IReadOnlyList<(string Path, string Op)> Changes =>
        [.. Received.Where(e => e.Event == "change").Select(e => (e.Data.GetProperty("path").GetString()!, e.Data.GetProperty("op").GetString()!))];

    /// <summary>Waits for a <c>change</c> of <paramref name="path"/> with <paramref name="op"/>, at most <paramref name="timeout"/> (1 s by default).</summary>
    public Task WaitForChangeAsync(string path, string op, TimeSpan? timeout = null) =>
        WaitForAsync(e => e.Event == "change" && e.Data.GetProperty("path").GetString() == path && e.Data.GetProperty("op").GetString() == op,
            timeout ?? TimeSpan.FromSeconds(1), $"change {op} {path}");

    public async Task<(string Event, JsonElement Data)> WaitForAsync(Func<(string Event, JsonElement Data), bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Received.Where(match).ToList();
            if (found.Count > 0) return found[0];
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no {what} within {timeout.TotalMilliseconds:0} ms; received: {string.Join("; ", Received.Select(e => $"{e.Event} {e.Data}"))}");
            await Task.Delay(10);
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
        string? name = null;
        try
        {
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line["event: ".Length..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    using var document = JsonDocument.Parse(line["data: ".Length..]);
                    lock (received) received.Add((name ?? "message", document.RootElement.Clone()));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
            // Disposed, or the server went away.
        }
    }
}
