using System.Collections.Concurrent;
using Hearth.Server.Workspaces;

namespace Hearth.Server.RuntimeApi.Terminals;

/// <summary>
/// Every workspace's terminals, in hearthd's memory only: a restarted hearthd starts with none,
/// and the agent has hung the old ones up when their connection went (agent-protocol.md).
/// The terminals of a workspace that no longer runs, none of them alive, are forgotten, so a
/// deleted workspace's scrollback does not stay in hearthd.
/// </summary>
internal sealed class TerminalRegistry(AgentPool agents, WorkspaceService workspaces)
{
    private readonly ConcurrentDictionary<string, WorkspaceTerminals> byWorkspace = new();

    public WorkspaceTerminals For(string workspaceId)
    {
        Prune();
        return byWorkspace.GetOrAdd(workspaceId, id => new WorkspaceTerminals(id, agents));
    }

    private void Prune()
    {
        foreach (var (id, terminals) in byWorkspace)
        {
            if (workspaces.InitPids.ContainsKey(id) || terminals.AnyAlive) continue;
            if (byWorkspace.TryRemove(new KeyValuePair<string, WorkspaceTerminals>(id, terminals)))
                _ = terminals.ForgetAsync();
        }
    }
}
