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

    /// <summary>
    /// Replaces one workspace's rules; <paramref name="forgetResolved"/> also takes back what DNS
    /// admitted it (its names changed). Open connections are kept (new ones follow the new
    /// rules): forgetting their conntrack entries would make the next packet of either side a
    /// "new" connection judged in whichever direction it happened to travel.
    /// </summary>
    public Task UpdateAsync(WorkspaceRules rules, bool forgetResolved, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken = default) =>
        ChangeAsync(() => ruleset.Update(rules, forgetResolved ? TakeAdmitted(rules.Address) : []), all, cancellationToken);

    /// <summary>Removes one workspace's rules and its flows: a workspace given the address later inherits neither.</summary>
    public async Task RemoveAsync(string workspaceId, IPAddress address, Func<IReadOnlyCollection<WorkspaceRules>> all, CancellationToken cancellationToken = default)
    {
        await ChangeAsync(() => ruleset.Remove(workspaceId, address, TakeAdmitted(address)), all, cancellationToken);
        await ForgetFlowsAsync(address, cancellationToken);
    }

    /// <summary>Deletes the connection-tracking entries from and to <paramref name="address"/> (exit 1 means there were none).</summary>
    private async Task ForgetFlowsAsync(IPAddress address, CancellationToken cancellationToken)
    {
        foreach (var direction in new[] { "--src", "--dst" })
        {
            var result = await processes.RunAsync(netns.Wrap(new ProcessRequest("conntrack", ["-D", direction, address.ToString()])), cancellationToken);
            if (result.ExitCode > 1)
                throw new RuntimeException("firewall_failed", $"conntrack -D {direction} {address} failed ({result.ExitCode}): {result.StandardError.Trim()}");
        }
    }

    /// <summary>True when the table is there (nft lists it among the namespace's tables).</summary>
    public async Task<bool> ExistsAsync(CancellationToken cancellationToken = default)
    {
        var result = await processes.RunAsync(netns.Wrap(new ProcessRequest("nft", ["list", "tables", "inet"])), cancellationToken);
        return !result.Succeeded || result.StandardOutput.Split('\n').Any(line => line.Trim() == $"table {NftRuleset.Table}");
    }

    /// <summary>Lets <paramref name="source"/> reach addresses its DNS answer gave for an allowed hostname, for <paramref name="ttl"/>.</summary>
    /// <remarks>
    /// A repeated lookup costs no nft run while its addresses are admitted for more than half the
    /// new TTL; one answer admits at most <see cref="MaxAdmittedPerAnswer"/> addresses, and one
    /// workspace holds at most <see cref="MaxAdmittedPerWorkspace"/>.
    /// </remarks>
    public async Task AdmitResolvedAsync(IPAddress source, IReadOnlyList<IPAddress> addresses, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        if (addresses.Count == 0) return;
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = DateTime.UtcNow;
            if (!admitted.TryGetValue(source, out var until)) admitted[source] = until = [];
            foreach (var expired in until.Where(a => a.Value <= now).Select(a => a.Key).ToList())
                until.Remove(expired);
            var fresh = addresses.Distinct().Take(MaxAdmittedPerAnswer)
                .Where(a => !until.TryGetValue(a, out var expiry) || expiry < now + ttl / 2)
                .ToList();
            if (fresh.Count == 0) return;
            if (until.Count + fresh.Count(a => !until.ContainsKey(a)) > MaxAdmittedPerWorkspace)
                throw new RuntimeException("too_many_resolved", $"{source} has {until.Count} addresses admitted by DNS, the most one workspace may hold");
            await ApplyAsync(NftRuleset.Admit(source, fresh, ttl), cancellationToken);
            foreach (var address in fresh) until[address] = now + ttl;
        }
        finally { gate.Release(); }
    }

    /// <summary>Addresses one DNS answer may admit (an answer over TCP can carry thousands).</summary>
    public const int MaxAdmittedPerAnswer = 32;

    /// <summary>Addresses DNS may have admitted for one workspace at a time.</summary>
    public const int MaxAdmittedPerWorkspace = 4096;

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
