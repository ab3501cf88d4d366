using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Metrics;

/// <summary><c>GET /workspace/:id/stats/stream</c> read block by block: each a comment or a <c>data:</c> event, with when it arrived.</summary>
internal sealed class StatsEventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private StatsEventStream(HttpResponseMessage response, StreamReader reader)
    {
        this.response = response;
        this.reader = reader;
    }

    /// <summary>Opens the stream; fails the test unless it is an event stream whose first block is the opening comment.</summary>
    public static async Task<StatsEventStream> OpenAsync(HearthdInstance hearthd, string workspace, string query = "")
    {
        var response = await hearthd.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/workspace/{workspace}/stats/stream{query}"),
            HttpCompletionOption.ResponseHeadersRead).Within();
        if (response.StatusCode != HttpStatusCode.OK)
            Assert.Fail($"stats/stream: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().Within()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = new StatsEventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync().Within()));
        var opening = await stream.NextAsync(TimeSpan.FromSeconds(10));
        Assert.True(opening is { Comment: not null }, "the stream does not open with a comment");
        return stream;
    }

    /// <summary>The next block, or null when the server ended the stream; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<StatsBlock?> NextAsync(TimeSpan timeout)
    {
        string? comment = null, data = null;
        while (true)
        {
            var line = await reader.ReadLineAsync().Within(timeout);
            if (line is null) return null;
            if (line.Length == 0)
            {
                if (comment is null && data is null) continue;
                return new StatsBlock(clock.Elapsed, comment, data is null ? null : JsonDocument.Parse(data).RootElement);
            }
            if (line.StartsWith(':')) comment = line[1..].Trim();
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line["data: ".Length..];
        }
    }

    /// <summary>The next <c>data:</c> event, skipping comments.</summary>
    public async Task<StatsBlock> NextEventAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var left = timeout - deadline.Elapsed;
            var block = await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            Assert.True(block is not null, "the stream ended before the next event");
            if (block.Data is not null) return block;
        }
    }

    public ValueTask DisposeAsync()
    {
        reader.Dispose();
        response.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>One block of the stream: <see cref="Comment"/> or <see cref="Data"/>, and when it arrived since the stream opened.</summary>
internal sealed record StatsBlock(TimeSpan At, string? Comment, JsonElement? Data);
