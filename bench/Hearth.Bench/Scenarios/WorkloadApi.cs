using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Protocol.Workloads;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// hearthd's workload endpoints (docs/design/workloads.md, "HTTP") as the bench calls them, with
/// the admin key of <see cref="HearthdInstance.Http"/>; every answer is checked, and a wrong one
/// ends the run with the endpoint, the status and the body.
/// </summary>
internal sealed class WorkloadApi(HearthdInstance hearthd)
{
    /// <summary>A busybox <c>sh -c</c> workload spec: never restarted, so its end is final.</summary>
    public static JsonObject ShellSpec(string name, string script, bool autoStart = true, int maxLogSizeMb = WorkloadLimits.DefaultMaxLogSizeMb) => new()
    {
        ["name"] = name,
        ["cmd"] = new JsonArray("sh", "-c", script),
        ["restart_policy"] = "no",
        ["auto_start"] = autoStart,
        ["max_log_size_mb"] = maxLogSizeMb,
    };

    /// <summary><c>POST /workspace/:id/workloads</c>: 201 with the workload, whose status is returned.</summary>
    public async Task<string> CreateAsync(string workspace, JsonObject spec, CancellationToken cancellationToken)
    {
        var created = await SendAsync(HttpMethod.Post, $"/workspace/{workspace}/workloads", spec.ToJsonString(), HttpStatusCode.Created, cancellationToken);
        return created.GetProperty("workload").GetProperty("status").GetString()!;
    }

    /// <summary><c>POST .../start</c>: the workload's status after it.</summary>
    public async Task<string> StartAsync(string workspace, string workload, CancellationToken cancellationToken)
    {
        var started = await SendAsync(HttpMethod.Post, $"/workspace/{workspace}/workloads/{workload}/start", null, HttpStatusCode.OK, cancellationToken);
        return started.GetProperty("workload").GetProperty("status").GetString()!;
    }

    public Task DeleteAsync(string workspace, string workload, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, $"/workspace/{workspace}/workloads/{workload}?timeout=2", null, HttpStatusCode.OK, cancellationToken);

    /// <summary><c>DELETE /workspace/:id/workloads</c>: how many it deleted.</summary>
    public async Task<int> DeleteAllAsync(string workspace, CancellationToken cancellationToken)
    {
        var deleted = await SendAsync(HttpMethod.Delete, $"/workspace/{workspace}/workloads", null, HttpStatusCode.OK, cancellationToken);
        return deleted.GetProperty("deleted").GetInt32();
    }

    /// <summary><c>GET .../logs/config</c>: where the log's next byte goes (all it ever took) and the lines it could not write.</summary>
    public async Task<(long NextCursor, long DroppedLines)> LogConfigAsync(string workspace, string workload, CancellationToken cancellationToken)
    {
        var config = await SendAsync(HttpMethod.Get, $"/workspace/{workspace}/workloads/{workload}/logs/config", null, HttpStatusCode.OK, cancellationToken);
        return (config.GetProperty("next_cursor").GetInt64(), config.GetProperty("dropped_lines").GetInt64());
    }

    /// <summary>
    /// <c>GET .../logs/stream?QUERY</c>, returned once its headers (and so the subscription) are
    /// there: 200 <c>text/event-stream</c>. The caller reads and disposes it.
    /// </summary>
    public async Task<HttpResponseMessage> OpenLogStreamAsync(string workspace, string workload, string query, CancellationToken cancellationToken)
    {
        var path = $"/workspace/{workspace}/workloads/{workload}/logs/stream{query}";
        var response = await hearthd.Http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new BenchException($"GET {path}: HTTP {(int)response.StatusCode}: {body}");
        }
        return response;
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? json, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var response = await hearthd.SendAsync(method, path, json, cancellationToken);
        if (response.Status != expected)
            throw new BenchException($"{method} {path}: HTTP {(int)response.Status} (expected {(int)expected}): {response.Body}");
        return response.Json;
    }
}
