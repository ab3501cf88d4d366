using Hearth.Bench.Host;
using Hearth.Bench.Measurement;
using Hearth.Runtime.Network;
using Hearth.Runtime.Network.Firewall;
using Hearth.Runtime.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// hearthd's firewall changes (NftFirewall: one <c>nft -f</c> transaction each) on a table that
/// holds N workspaces' rules (<see cref="SyntheticRules"/>) next to the same changes on a
/// table with no other workspace, each table in a network namespace of the bench's. The two
/// take turns in blocks of <see cref="Block"/>, so that load from elsewhere falls on both alike.
/// The changed workspace (the "subject") is the same on both tables.
/// </summary>
internal sealed class FirewallUpdates(Scratch scratch, BenchOptions options, TextWriter progress)
{
    public const int Block = 10;

    private Table? loaded;
    private Table? empty;

    public int Workspaces => options.RulesWorkspaces;
    public Samples SyncLoaded { get; } = new("SyncAsync: the whole table");
    public Samples SyncEmpty { get; } = new("SyncAsync: the whole table");
    public Samples UpdateLoaded { get; } = new("UpdateAsync: one workspace's ingress changes by one entry");
    public Samples UpdateEmpty { get; } = new("UpdateAsync");
    public Samples AddLoaded { get; } = new("AddAsync: a new workspace (as at create)");
    public Samples AddEmpty { get; } = new("AddAsync");
    public Samples RemoveLoaded { get; } = new("RemoveAsync: that workspace again (as at delete)");
    public Samples RemoveEmpty { get; } = new("RemoveAsync");
    /// <summary>Size of what SyncAsync hands to <c>nft -f</c> for the loaded table.</summary>
    public int FullTextBytes { get; private set; }
    public int FullTextLines { get; private set; }
    /// <summary>Per-workspace chains found with <c>nft list table</c> after the run, loaded and empty table.</summary>
    public (int Loaded, int Empty) ChainsFound { get; private set; }
    /// <summary>Incremental changes nft refused, healed by a full rebuild (should stay 0).</summary>
    public int Heals { get; private set; }

    /// <summary>Two namespaces, each with its table synced once (untimed): the subject alone, and the subject among N others.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken = default)
    {
        var subject = SyntheticRules.Subject(Workspaces, variant: false);
        empty = await Table.CreateAsync(scratch, "r0", [subject], cancellationToken);
        loaded = await Table.CreateAsync(scratch, $"r{Workspaces}", [.. SyntheticRules.Make("w", 0, Workspaces, Workspaces), subject], cancellationToken);
        var text = new NftRuleset(loaded.Options).Full(loaded.All);
        (FullTextBytes, FullTextLines) = (System.Text.Encoding.UTF8.GetByteCount(text), text.Count(c => c == '\n'));
        progress.WriteLine($"firewall: {Workspaces} workspaces' rules are {FullTextLines} lines ({FullTextBytes / 1024} KiB) of nft -f");
        await empty.Firewall.SyncAsync(empty.All, cancellationToken);
        await loaded.Firewall.SyncAsync(loaded.All, cancellationToken);
    }

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var (full, none) = Ready();
        progress.WriteLine($"firewall: {options.RulesSyncs} full syncs of each table");
        for (var i = 0; i < options.RulesSyncs; i++)
        {
            await SyncEmpty.TimeAsync(() => none.Firewall.SyncAsync(none.All, cancellationToken));
            await SyncLoaded.TimeAsync(() => full.Firewall.SyncAsync(full.All, cancellationToken));
        }

        progress.WriteLine($"firewall: {options.RulesUpdates} updates, adds and removes on each table, in turns of {Block}");
        var variant = false;
        for (var done = 0; done < options.RulesUpdates; done += Block)
        {
            var n = Math.Min(Block, options.RulesUpdates - done);
            foreach (var (table, update, add, remove) in new[] { (none, UpdateEmpty, AddEmpty, RemoveEmpty), (full, UpdateLoaded, AddLoaded, RemoveLoaded) })
            {
                for (var i = 0; i < n; i++)
                {
                    var rules = SyntheticRules.Subject(Workspaces, variant = !variant);
                    table.Replace(rules);
                    await update.TimeAsync(() => table.Firewall.UpdateAsync(rules, forgetResolved: false, Healing(table), cancellationToken));
                }
                for (var i = 0; i < n; i++)
                {
                    // A newcomer shaped like the others, with the next free address.
                    var added = SyntheticRules.Make("a", Workspaces + 1 + done + i, 1, Workspaces)[0];
                    table.All.Add(added);
                    await add.TimeAsync(() => table.Firewall.AddAsync(added, Healing(table), cancellationToken));
                    table.All.Remove(added);
                    await remove.TimeAsync(() => table.Firewall.RemoveAsync(added.WorkspaceId, added.Address, Healing(table), cancellationToken));
                }
            }
            progress.WriteLine($"firewall: {done + n}/{options.RulesUpdates}, update p50 {UpdateEmpty.P50:0.0} / {UpdateLoaded.P50:0.0} ms (0 / {Workspaces} others)");
        }
        ChainsFound = (await CountWorkspaceChainsAsync(full, cancellationToken), await CountWorkspaceChainsAsync(none, cancellationToken));
        if (ChainsFound != (2 * full.All.Count, 2 * none.All.Count))
            throw new BenchException($"after the run the tables hold {ChainsFound.Loaded} and {ChainsFound.Empty} workspace chains, " +
                $"not {2 * full.All.Count} and {2 * none.All.Count}");
    }

    /// <summary>What NftFirewall rebuilds from when nft refuses a change; counted, since that should not happen.</summary>
    private Func<IReadOnlyCollection<WorkspaceRules>> Healing(Table table) => () =>
    {
        Heals++;
        return table.All;
    };

    private static async Task<int> CountWorkspaceChainsAsync(Table table, CancellationToken cancellationToken)
    {
        var listing = await HostProcess.Runner.RunCheckedAsync(table.Netns.Wrap(new("nft", ["list", "table", "inet", "hearth"])), cancellationToken);
        return listing.StandardOutput.Split('\n').Count(line => line.TrimStart().StartsWith("chain ws_", StringComparison.Ordinal));
    }

    private (Table Loaded, Table Empty) Ready() =>
        loaded is not null && empty is not null ? (loaded, empty) : throw new InvalidOperationException("PrepareAsync first");

    /// <summary>One <c>inet hearth</c> table in a namespace of its own, and the rules it should hold.</summary>
    private sealed record Table(NetworkOptions Options, NetworkNamespace Netns, NftFirewall Firewall, List<WorkspaceRules> All)
    {
        public static async Task<Table> CreateAsync(Scratch scratch, string role, List<WorkspaceRules> all, CancellationToken cancellationToken)
        {
            var path = await scratch.CreateNetworkNamespaceAsync(role, cancellationToken);
            var options = new NetworkOptions { Pool = SyntheticRules.Pool, NamespacePath = path };
            // Left to the end of the process, as WorkspacePair's (its Dispose can race its thread).
            var netns = new NetworkNamespace(path);
            return new Table(options, netns, new NftFirewall(options, netns, HostProcess.Runner, NullLogger<NftFirewall>.Instance), all);
        }

        public void Replace(WorkspaceRules rules) => All[All.FindIndex(r => r.WorkspaceId == rules.WorkspaceId)] = rules;
    }
}
