using System.Collections.Concurrent;
using Hearth.Runtime.Agent;
using Hearth.Server.Api;
using Hearth.Server.Workspaces;

namespace Hearth.Server.RuntimeApi;

/// <summary>One live connection per workspace agent, dialled on first use and again after it breaks.</summary>
internal sealed class AgentPool(WorkspaceService workspaces)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new();
    private readonly ConcurrentDictionary<string, AgentConnection> connections = new();

    public async Task<AgentConnection> GetAsync(string workspaceId, CancellationToken cancellationToken = default)
    {
        if (connections.TryGetValue(workspaceId, out var open) && open.IsOpen) return open;
        var gate = gates.GetOrAdd(workspaceId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (connections.TryGetValue(workspaceId, out open) && open.IsOpen) return open;
            if (!workspaces.InitPids.TryGetValue(workspaceId, out var pid))
                throw new ApiException(409, "workspace_not_running", $"workspace {workspaceId} is not running");
            // The agent may still be binding its socket right after a start.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var connection = await AgentConnection.ConnectAsync(pid, cancellationToken);
                    connections[workspaceId] = connection;
                    return connection;
                }
                catch (Hearth.Runtime.RuntimeException) when (attempt < 50)
                {
                    await Task.Delay(20, cancellationToken);
                }
                catch (System.Net.Sockets.SocketException) when (attempt < 50)
                {
                    await Task.Delay(20, cancellationToken);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
