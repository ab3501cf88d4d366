using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// The runtime gateway's <c>POST /exec/stream</c> (docs/design/api.md) with the workspace's
/// token: <c>task_id</c>, then <c>stdout</c>/<c>stderr</c> events with base64 <c>data</c>, then
/// <c>exit</c>; the baseline the workload log stream is measured against, the same server's
/// other way of streaming a process's output.
/// </summary>
internal sealed class ExecStreamClient : IDisposable
{
    private readonly HttpClient http;

    public ExecStreamClient(string gatewayUrl, string token)
    {
        http = new HttpClient { BaseAddress = new Uri(gatewayUrl), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Runs <c>sh -c SCRIPT</c> and yields its stdout chunks (decoded) with their events' receive times and wire sizes, until <c>exit</c> (which must be 0).</summary>
    public async IAsyncEnumerable<(byte[] Stdout, long ReceivedMicros, int WireBytes)> RunAsync(string script,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var body = new JsonObject { ["cmd"] = new JsonArray("sh", "-c", script) }.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/exec/stream") { Content = new StringContent(body, MediaTypeHeaderValue.Parse("application/json")) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new BenchException($"POST /exec/stream: HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        await foreach (var e in SseReader.ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken))
        {
            switch (e.Name)
            {
                case "stdout":
                    using (var data = JsonDocument.Parse(e.Data))
                        yield return (data.RootElement.GetProperty("data").GetBytesFromBase64(), e.ReceivedMicros, e.WireBytes);
                    break;
                case "exit":
                    using (var exit = JsonDocument.Parse(e.Data))
                    {
                        if (exit.RootElement.GetProperty("exit_code").GetInt32() != 0)
                            throw new BenchException($"POST /exec/stream: exit event {e.Data}");
                    }
                    yield break;
                case "error":
                    throw new BenchException($"POST /exec/stream: error event {e.Data}");
            }
        }
        throw new BenchException("POST /exec/stream: the stream ended without an exit event");
    }

    public void Dispose() => http.Dispose();
}
