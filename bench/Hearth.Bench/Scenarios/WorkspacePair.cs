using System.Net;
using System.Text.Json;
using Hearth.Bench.Host;
using Hearth.Runtime.Network;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Two running busybox workspaces of the bench's hearthd, A and B, where B's <c>ingress</c>
/// lists A (made at create, as <c>config.ingress</c>): a connection from A to B is admitted by
/// hearthd's firewall, one from B to A is not. Each workspace's network namespace is entered
/// through its init process (<c>crun state</c> gives its pid; <c>/proc/PID/ns/net</c>).
/// </summary>
internal sealed class WorkspacePair(HearthdInstance hearthd, string aId, IPAddress a, NetworkNamespace aNetns, string bId, IPAddress b,
    NetworkNamespace bNetns) : IAsyncDisposable
{
    public string AId => aId;
    public string BId => bId;
    public IPAddress A => a;
    public IPAddress B => b;
    public NetworkNamespace ANetns => aNetns;
    public NetworkNamespace BNetns => bNetns;

    public static async Task<WorkspacePair> CreateAsync(HearthdInstance hearthd, CancellationToken cancellationToken = default)
    {
        var (aId, a) = await CreateWorkspaceAsync(hearthd, """{"image":"busybox"}""", cancellationToken);
        string? bId = null;
        try
        {
            (bId, var b) = await CreateWorkspaceAsync(hearthd, $$$"""{"image":"busybox","config":{"ingress":["{{{a}}}"]}}""", cancellationToken);
            return new WorkspacePair(hearthd, aId, a, await EnterAsync(hearthd, aId, cancellationToken), bId, b,
                await EnterAsync(hearthd, bId, cancellationToken));
        }
        catch
        {
            await DeleteAsync(hearthd, aId);
            if (bId is not null) await DeleteAsync(hearthd, bId);
            throw;
        }
    }

    /// <summary><c>PATCH /workspace/:id/network</c> of B with <paramref name="json"/>; must answer 200.</summary>
    public async Task PatchBAsync(string json, CancellationToken cancellationToken = default)
    {
        var response = await hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{bId}/network", json, cancellationToken);
        if (response.Status != HttpStatusCode.OK)
            throw new BenchException($"PATCH /workspace/{bId}/network: HTTP {(int)response.Status}: {response.Body}");
    }

    private static async Task<(string Id, IPAddress Address)> CreateWorkspaceAsync(HearthdInstance hearthd, string body, CancellationToken cancellationToken)
    {
        var created = await hearthd.SendAsync(HttpMethod.Post, "/workspace", body, cancellationToken);
        if (created.Status != HttpStatusCode.Created || created.Workspace.GetProperty("status").GetString() != "running")
            throw new BenchException($"POST /workspace {body}: HTTP {(int)created.Status}: {created.Body}");
        var ip = created.Workspace.GetProperty("info").GetProperty("internal_ip").GetString()
            ?? throw new BenchException($"POST /workspace answered no info.internal_ip: {created.Body}");
        return (created.Workspace.GetProperty("id").GetString()!, IPAddress.Parse(ip));
    }

    private static async Task<NetworkNamespace> EnterAsync(HearthdInstance hearthd, string id, CancellationToken cancellationToken)
    {
        var state = await HostProcess.RunCheckedAsync("crun", ["--root", hearthd.CrunRoot, "state", id], cancellationToken);
        using var json = JsonDocument.Parse(state.StandardOutput);
        return new NetworkNamespace($"/proc/{json.RootElement.GetProperty("pid").GetInt32()}/ns/net");
    }

    private static async Task DeleteAsync(HearthdInstance hearthd, string id)
    {
        try { await hearthd.SendAsync(HttpMethod.Delete, $"/workspace/{id}"); }
        catch (HttpRequestException) { } // hearthd's own disposal deletes what is left
    }

    /// <summary>
    /// Deletes both workspaces. The two NetworkNamespace objects are left to the end of the
    /// process: their Dispose disposes the request queue while the namespace thread may still be
    /// waking from it (an ObjectDisposedException on that thread would end the bench).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await DeleteAsync(hearthd, aId);
        await DeleteAsync(hearthd, bId);
    }
}
