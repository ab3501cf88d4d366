using System.Text.Json;
using Hearth.Runtime.Agent;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// An operation on a connection of its own (docs/design/agent-protocol.md, flow control): for
/// bulk data and for callers whose pace is a remote client's, so that neither stalls the
/// workspace's shared connection. Disposing gives the connection back to the pool when the
/// operation has ended, and closes it otherwise, which cancels the operation in the agent (a
/// client that went away).
/// </summary>
internal sealed class DedicatedCall : IAsyncDisposable
{
    private readonly AgentPool agents;
    private readonly string workspaceId;
    private readonly AgentConnection connection;

    private DedicatedCall(AgentPool agents, string workspaceId, AgentConnection connection, AgentCall call)
    {
        this.agents = agents;
        this.workspaceId = workspaceId;
        this.connection = connection;
        Call = call;
    }

    public AgentCall Call { get; }

    public static async Task<DedicatedCall> StartAsync(AgentPool agents, string workspaceId, string op, JsonElement args,
        CancellationToken cancellationToken)
    {
        var connection = await agents.RentAsync(workspaceId, cancellationToken);
        try
        {
            return new DedicatedCall(agents, workspaceId, connection, await connection.StartAsync(op, args, cancellationToken));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until the operation has something to say: true when its first item (data or an
    /// event) is there; otherwise the operation ended, and its error is thrown here, before the
    /// caller has committed to a response status.
    /// </summary>
    public async Task<bool> WaitForFirstAsync(CancellationToken cancellationToken)
    {
        if (await Call.Items.WaitToReadAsync(cancellationToken)) return true;
        await Call.Result.WaitAsync(cancellationToken);
        return false;
    }

    public ValueTask DisposeAsync() => agents.ReturnAsync(workspaceId, connection);
}
