using System.Collections.Concurrent;
using System.Text.Json;
using Hearth.Runtime.Agent;
using Hearth.Server.Api;
using Hearth.Server.Workspaces;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// One shared connection per workspace agent, dialled on first use and again after it breaks,
/// for exec and short operations; and dedicated connections for calls that move bulk data
/// (see <see cref="AgentCall"/>).
/// </summary>
internal sealed class AgentPool(WorkspaceService workspaces)
{
    /// <summary>Dedicated connections kept open per workspace between calls (a dial costs an openat2, a connect, a hello and two agent threads).</summary>
    private const int IdlePerWorkspace = 4;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new();
    private readonly ConcurrentDictionary<string, AgentConnection> connections = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<AgentConnection>> idle = new();

    /// <summary>The workspace's shared connection.</summary>
    public async Task<AgentConnection> GetAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        if (connections.TryGetValue(workspaceId, out var open) && open.IsOpen) return open;
        var gate = gates.GetOrAdd(workspaceId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (connections.TryGetValue(workspaceId, out open) && open.IsOpen) return open;
            var connection = await DialAsync(workspaceId, cancellationToken);
            connections[workspaceId] = connection;
            // The broken one it replaces still holds a socket until disposed.
            if (open is not null) await open.DisposeAsync();
            return connection;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A new connection of the caller's own, which the caller disposes.</summary>
    public async Task<AgentConnection> DialAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        if (!workspaces.InitPids.TryGetValue(workspaceId, out var pid))
            throw new ApiException(409, "workspace_not_running", $"workspace {workspaceId} is not running");
        return await AgentDial.ConnectAsync(pid, cancellationToken);
    }

    /// <summary>
    /// A connection of the caller's own for one bulk, streamed or client-paced call: an idle one
    /// when there is one, else a new one. Give it back with <see cref="ReturnAsync"/>.
    /// </summary>
    public async Task<AgentConnection> RentAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        if (idle.TryGetValue(workspaceId, out var bag))
        {
            while (bag.TryTake(out var connection))
            {
                if (connection.IsOpen && connection.StreamCount == 0) return connection;
                await connection.DisposeAsync();
            }
        }
        return await DialAsync(workspaceId, cancellationToken);
    }

    /// <summary>
    /// Takes back a rented connection: kept for the next call if it is open and quiet (every
    /// stream ended), closed otherwise — which also stops, in the agent, whatever still runs on it.
    /// </summary>
    public async ValueTask ReturnAsync(string workspaceId, AgentConnection connection)
    {
        if (connection.IsOpen && connection.StreamCount == 0 && workspaces.InitPids.ContainsKey(workspaceId))
        {
            var bag = idle.GetOrAdd(workspaceId, _ => []);
            if (bag.Count < IdlePerWorkspace)
            {
                bag.Add(connection);
                return;
            }
        }
        await connection.DisposeAsync();
    }

    /// <summary>Runs a short operation on the shared connection and returns its result.</summary>
    public async Task<JsonElement> CallAsync(string workspaceId, string op, JsonElement? args, CancellationToken cancellationToken = default)
    {
        var connection = await GetAsync(workspaceId, cancellationToken);
        return await connection.CallAsync(op, args, cancellationToken);
    }
}
