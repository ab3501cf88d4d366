using System.Net;
using Hearth.Runtime.Processes;
using Microsoft.Extensions.Logging;

namespace Hearth.Runtime.Network.Firewall;

/// <summary>
/// Applies <see cref="NftRuleset"/> with <c>nft -f</c> in the workspaces' network namespace. Each
/// change is one nft transaction, so there is never a moment with rules half there; changes are
/// serialized. A change that nft refuses (state that drifted, such as an element someone
/// removed by hand) is healed by rebuilding the whole table from the caller's truth.
/// </summary>
internal sealed partial class NftFirewall(
    NetworkOptions options, NetworkNamespace netns, IProcessRunner processes, ILogger<NftFirewall> logger)
{
    private readonly NftRuleset ruleset = new(options);
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Replaces the table with exactly these workspaces (daemon start, and healing).</summary>
    public async Task SyncAsync(IReadOnlyCollection<WorkspaceRules> workspaces, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try { await ApplyAsync(ruleset.Full(workspaces), cancellationToken); }
        finally { gate.Release(); }
    }

    public Task AddAsync(WorkspaceRules rules, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken = default) =>
        ChangeAsync(ruleset.Add(rules), all, cancellationToken);

    public Task UpdateAsync(WorkspaceRules rules, bool forgetResolved, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken = default) =>
        ChangeAsync(ruleset.Update(rules, forgetResolved), all, cancellationToken);

    public Task RemoveAsync(string workspaceId, IPAddress address, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken = default) =>
        ChangeAsync(ruleset.Remove(workspaceId, address), all, cancellationToken);

    /// <summary>Lets a workspace reach addresses its DNS answer gave for an allowed hostname.</summary>
    public async Task AdmitResolvedAsync(string workspaceId, IReadOnlyList<IPAddress> addresses, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        if (addresses.Count == 0) return;
        await gate.WaitAsync(cancellationToken);
        try { await ApplyAsync(NftRuleset.Admit(workspaceId, addresses, ttl), cancellationToken); }
        finally { gate.Release(); }
    }

    private async Task ChangeAsync(string change, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            try
            {
                await ApplyAsync(change, cancellationToken);
            }
            catch (RuntimeException e)
            {
                LogHealing(e.Message);
                await ApplyAsync(ruleset.Full(all()), cancellationToken);
            }
        }
        finally { gate.Release(); }
    }

    private async Task ApplyAsync(string text, CancellationToken cancellationToken)
    {
        var result = await processes.RunAsync(netns.Wrap(new ProcessRequest("nft", ["-f", "-"])
        {
            StandardInput = text,
            Timeout = TimeSpan.FromSeconds(30),
        }), cancellationToken);
        if (!result.Succeeded)
            throw new RuntimeException("firewall_failed", $"nft refused the change ({result.ExitCode}): {result.StandardError.Trim()}");
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "nft refused an incremental change ({Reason}); rebuilding the whole table")]
    private partial void LogHealing(string reason);
}
