using System.Net;
using System.Text.Json;
using Hearth.Bench.Host;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// A running busybox workspace with its runtime API enabled, as the exec and files scenarios
/// use it: its id, the gateway's address and token, and its agent's host pid (for CPU and RSS).
/// </summary>
internal sealed record RuntimeWorkspace(string Id, string GatewayUrl, string Token, int AgentPid)
{
    private const string CreateBody = """{"image":"busybox"}""";

    /// <summary>Creates the workspace and enables its runtime API; not timed.</summary>
    public static async Task<RuntimeWorkspace> CreateAsync(HearthdInstance hearthd, CancellationToken cancellationToken)
    {
        var created = await hearthd.SendAsync(HttpMethod.Post, "/workspace", CreateBody, cancellationToken);
        if (created.Status != HttpStatusCode.Created || created.Workspace.GetProperty("status").GetString() != "running")
            throw new BenchException($"POST /workspace: HTTP {(int)created.Status}: {created.Body}");
        var id = created.Workspace.GetProperty("id").GetString()!;

        var access = await hearthd.SendAsync(HttpMethod.Post, $"/workspace/{id}/runtime-api-access/enable", null, cancellationToken);
        if (access.Status != HttpStatusCode.OK)
            throw new BenchException($"POST /workspace/{id}/runtime-api-access/enable: HTTP {(int)access.Status}: {access.Body}");

        // The workspace's container id is its id; crun's state of it is in hearthd's data dir.
        var state = await HostProcess.RunCheckedAsync("crun", ["--root", hearthd.CrunRoot, "state", id], cancellationToken);
        using var json = JsonDocument.Parse(state.StandardOutput);
        return new RuntimeWorkspace(id, access.Json.GetProperty("gateway_url").GetString()!, access.Json.GetProperty("token").GetString()!,
            json.RootElement.GetProperty("pid").GetInt32());
    }
}
