using System.Collections.Concurrent;

namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary>Every workspace's terminals (hearthd's memory only: a restarted hearthd starts with none, and the agent has hung the old ones up).</summary>
internal sealed class TerminalRegistry(AgentPool agents)
{
    private readonly ConcurrentDictionary<string, WorkspaceTerminals> workspaces = new();

    public WorkspaceTerminals For(string workspaceId) =>
        workspaces.GetOrAdd(workspaceId, id => new WorkspaceTerminals(id, agents));
}
