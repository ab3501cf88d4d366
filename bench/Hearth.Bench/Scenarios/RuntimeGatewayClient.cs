using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// The runtime gateway as an SDK calls it: one <see cref="HttpClient"/> for the whole run (its
/// pool keeps connections alive between calls, one per concurrent request), the workspace's
/// token as <c>Authorization: Bearer</c>, and every reply read and checked. Each call returns
/// its own round trip, from sending the request to the last byte that matters.
/// </summary>
internal sealed class RuntimeGatewayClient : IDisposable
{
    private readonly HttpClient http;
    private readonly byte[] execBody;

    public RuntimeGatewayClient(string gatewayUrl, string token, IReadOnlyList<string> command)
    {
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(gatewayUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        execBody = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, IReadOnlyList<string>> { ["cmd"] = command });
    }

    /// <summary><c>POST /exec</c> (sync): the reply is the finished task; its exit code must be 0.</summary>
    public async Task<TimeSpan> ExecAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync("/exec", Body(), cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = clock.Elapsed;
        if (response.StatusCode != HttpStatusCode.OK)
            throw Failed("POST /exec", response.StatusCode, body);
        using var task = JsonDocument.Parse(body);
        var exit = task.RootElement.TryGetProperty("exit_code", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : (int?)null;
        if (exit != 0)
            throw Failed("POST /exec", response.StatusCode, body);
        return elapsed;
    }

    /// <summary>
    /// <c>POST /exec/stream</c>: server-sent events <c>task_id</c>, any output, then <c>exit</c>.
    /// The round trip ends at the <c>exit</c> event's data; the rest of the reply (its end) is
    /// read afterwards, untimed, so the connection goes back to the pool.
    /// </summary>
    public async Task<TimeSpan> ExecStreamAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/exec/stream") { Content = Body() };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
            throw Failed("POST /exec/stream", response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? eventName = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (eventName == "exit" && line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var elapsed = clock.Elapsed;
                using var exit = JsonDocument.Parse(line["data: ".Length..]);
                if (exit.RootElement.GetProperty("exit_code").GetInt32() != 0)
                    throw new BenchException($"POST /exec/stream: exit event {line}");
                await reader.ReadToEndAsync(cancellationToken);
                return elapsed;
            }
        }
        throw new BenchException("POST /exec/stream: the stream ended without an exit event");
    }

    /// <summary>Unauthenticated <c>GET /health</c> of the gateway: the HTTP floor under every exec.</summary>
    public async Task<TimeSpan> HealthAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync("/health", cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = clock.Elapsed;
        if (response.StatusCode != HttpStatusCode.OK)
            throw Failed("GET /health", response.StatusCode, body);
        return elapsed;
    }

    public void Dispose() => http.Dispose();

    // A header value is mutable: each request gets its own.
    private ByteArrayContent Body() => new(execBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };

    private static BenchException Failed(string call, HttpStatusCode status, byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        return new BenchException($"{call}: HTTP {(int)status}: {(text.Length <= 300 ? text : text[..300] + "...")}");
    }
}
