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
    /// <summary>What DNS admitted, per source address, until when: what a change of names or a delete must take back.</summary>
    private readonly Dictionary<IPAddress, Dictionary<IPAddress, DateTime>> admitted = [];

    /// <summary>Replaces the table with exactly these workspaces (daemon start, and healing).</summary>
    public async Task SyncAsync(IReadOnlyCollection<WorkspaceRules> workspaces, CancellationToken cancellationToken = default)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ApplyAsync(ruleset.Full(workspaces), cancellationToken);
            admitted.Clear();
        }
        finally { gate.Release(); }
    }

    public Task AddAsync(WorkspaceRules rules, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken = default) =>
        ChangeAsync(() => ruleset.Add(rules), all, cancellationToken);

    /// <summary>Replaces one workspace's rules; <paramref name="forgetResolved"/> also takes back what DNS admitted it (its names changed).</summary>
    public Task UpdateAsync(WorkspaceRules rules, bool forgetResolved, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken = default) =>
        ChangeAsync(() => ruleset.Update(rules, forgetResolved ? TakeAdmitted(rules.Address) : []), all, cancellationToken);

    public Task RemoveAsync(string workspaceId, IPAddress address, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken = default) =>
        ChangeAsync(() => ruleset.Remove(workspaceId, address, TakeAdmitted(address)), all, cancellationToken);

    /// <summary>Lets <paramref name="source"/> reach addresses its DNS answer gave for an allowed hostname, for <paramref name="ttl"/>.</summary>
    public async Task AdmitResolvedAsync(IPAddress source, IReadOnlyList<IPAddress> addresses, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        if (addresses.Count == 0) return;
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ApplyAsync(NftRuleset.Admit(source, addresses, ttl), cancellationToken);
            if (!admitted.TryGetValue(source, out var until)) admitted[source] = until = [];
            var expiry = DateTime.UtcNow + ttl;
            foreach (var address in addresses) until[address] = expiry;
        }
        finally { gate.Release(); }
    }

    /// <summary>The unexpired DNS admissions of <paramref name="source"/>, forgotten here (called under the gate).</summary>
    private List<IPAddress> TakeAdmitted(IPAddress source)
    {
        if (!admitted.Remove(source, out var until)) return [];
        var now = DateTime.UtcNow;
        return until.Where(a => a.Value > now).Select(a => a.Key).ToList();
    }

    private async Task ChangeAsync(Func<string> change, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            try
            {
                await ApplyAsync(change(), cancellationToken);
            }
            catch (RuntimeException e)
            {
                LogHealing(e.Message);
                await ApplyAsync(ruleset.Full(all()), cancellationToken);
                admitted.Clear();
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
