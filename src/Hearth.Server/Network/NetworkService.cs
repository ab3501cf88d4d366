using System.Collections.Frozen;
using System.Net;
using Hearth.Protocol.Workspaces;
using Hearth.Runtime.Network;
using Hearth.Runtime.Network.Firewall;
using Hearth.Server.Network.Dns;
using Hearth.Server.Persistence;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Network;

/// <summary>
/// Turns the stored network settings of workspaces into the host's firewall
/// (docs/design/network.md): the whole table at daemon start, one workspace at a time after
/// that. It also answers the DNS resolver's questions about the workspace that asked. Callers
/// hold the workspace's lock (<see cref="WorkspaceService"/>); this class keeps no state of its
/// own but an index for the resolver.
/// </summary>
internal sealed partial class NetworkService(
    NetworkOptions options, NetworkNamespace netns, HostNetwork host, NftFirewall firewall, WorkspaceRepository repository,
    ILoggerFactory loggers, ILogger<NetworkService> logger) : IDnsPolicy, IAsyncDisposable
{
    private volatile FrozenDictionary<string, DnsClientPolicy> resolverClients = FrozenDictionary<string, DnsClientPolicy>.Empty;
    private volatile FrozenDictionary<string, IPAddress> resolverSources = FrozenDictionary<string, IPAddress>.Empty;
    private WorkspaceDnsServer? resolver;
    private readonly Lock refreshLock = new();

    public NetworkOptions Options => options;

    /// <summary>Daemon start, before any workspace starts: the gateway, then the table from the store.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await host.PrepareAsync(cancellationToken);
        var rules = AllRules();
        await firewall.SyncAsync(rules, cancellationToken);
        RefreshResolverClients();
        LogSynced(rules.Count);
        if (options.DnsUpstreams.Count == 0)
        {
            LogNoUpstreams(); // workspaces' lookups are refused (port 53 closed) until one is configured
            return;
        }
        resolver = new WorkspaceDnsServer(new IPEndPoint(options.Gateway, 53), options.DnsUpstreams, this, netns.CreateSocket,
            loggers.CreateLogger<WorkspaceDnsServer>());
        await resolver.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Puts the table back when something removed it (<c>nft flush ruleset</c>, Debian's
    /// nftables service restarting): without it workspaces would be open to each other and the
    /// host. Called by <see cref="Hosting.FirewallWatchdog"/> every few seconds.
    /// </summary>
    public async Task RestoreFirewallIfGoneAsync(CancellationToken cancellationToken)
    {
        if (await firewall.ExistsAsync(cancellationToken)) return;
        LogTableGone();
        await firewall.SyncAsync(AllRules(), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (resolver is not null) await resolver.DisposeAsync();
    }

    /// <summary>A new workspace (or one that just got its address): its rules exist before its container does.</summary>
    public async Task AddAsync(WorkspaceRecord record)
    {
        await firewall.AddAsync(RulesOf(record, repository.All()), AllRules, CancellationToken.None);
        RefreshResolverClients();
    }

    /// <summary>The lowest free address of the pool among <paramref name="used"/>; null when the pool is full.</summary>
    public string? PickAddress(IReadOnlySet<string> used) => AddressPool.Next(options.Pool, used)?.ToString();

    /// <summary>
    /// Applies changed settings of <paramref name="record"/> to new connections at once; nothing
    /// for a workspace without an address or one being deleted (it has no rules any more).
    /// </summary>
    public async Task ApplyAsync(WorkspaceRecord record, bool forgetResolved)
    {
        if (record.InternalIp is null || record.Status == WorkspaceStatus.Deleting) return;
        await firewall.UpdateAsync(RulesOf(record, repository.All()), forgetResolved, AllRules, CancellationToken.None);
        RefreshResolverClients();
    }

    /// <summary>Removes a deleted workspace's rules and map entries.</summary>
    public async Task RemoveAsync(WorkspaceRecord record)
    {
        if (record.InternalIp is not { } ip) return;
        await firewall.RemoveAsync(record.Id, IPAddress.Parse(ip), AllRules, CancellationToken.None);
        RefreshResolverClients();
    }

    /// <summary>
    /// What an egress list that named only a deleted workspace becomes: an address nothing is
    /// ever sent to (the admission chain drops 0.0.0.0/8 before it looks at egress).
    /// </summary>
    public const string NoDestination = "0.0.0.0/32";

    /// <summary>The settings of <paramref name="config"/> without the address and id of a deleted workspace.</summary>
    public static WorkspaceConfig Forget(WorkspaceConfig config, WorkspaceRecord deleted)
    {
        static IReadOnlyList<string>? Without(IReadOnlyList<string>? list, string? value) =>
            list is null || value is null ? list : list.Where(e => e != value && e != value + "/32").ToList();
        var egress = Without(config.Egress, deleted.InternalIp);
        return config with
        {
            Ingress = Without(config.Ingress, deleted.InternalIp),
            // An empty egress list is no list at all (anything may be reached, Oblien's
            // "egress: []"): a workspace that could reach only the deleted one stays restricted.
            Egress = egress is [] && config.Egress is [_, ..] ? [NoDestination] : egress,
            PrivateLinkIds = Without(config.PrivateLinkIds, deleted.Id),
        };
    }

    /// <summary>True when <paramref name="config"/> names the deleted workspace (by address or private link).</summary>
    public static bool Mentions(WorkspaceConfig config, WorkspaceRecord deleted)
    {
        static bool Same(IReadOnlyList<string>? a, IReadOnlyList<string>? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);
        var forgotten = Forget(config, deleted);
        return !Same(forgotten.Ingress, config.Ingress) || !Same(forgotten.Egress, config.Egress) || !Same(forgotten.PrivateLinkIds, config.PrivateLinkIds);
    }

    /// <summary><c>GET /workspace/:id/network</c>.</summary>
    public WorkspaceNetworkResponse Describe(WorkspaceRecord record, string? message = null)
    {
        var config = record.Config;
        return new WorkspaceNetworkResponse
        {
            Ip = record.InternalIp,
            Gateway = options.Gateway.ToString(),
            PublicAccess = config.PublicAccess ?? false,
            AllowInternet = config.AllowInternet ?? true,
            Ingress = config.Ingress ?? [],
            IngressPorts = config.IngressPorts ?? [],
            Egress = config.Egress ?? [],
            PrivateLinks = (config.PrivateLinkIds ?? []).Select(id => repository.Find(id) is { } linked
                ? new PrivateLink { WorkspaceId = linked.Id, Name = linked.Name, Ip = linked.InternalIp }
                : new PrivateLink { WorkspaceId = id, Name = id }).ToList(),
            Message = message,
        };
    }

    public DnsClientPolicy? Find(IPAddress client) => resolverClients.GetValueOrDefault(client.ToString());

    /// <remarks>A side effect: it never takes the DNS client's token (a client that hangs up mid-way
    /// must not leave an admission in the kernel that hearthd did not record).</remarks>
    public Task AdmitAsync(string workspaceId, IReadOnlyList<IPAddress> addresses, TimeSpan ttl, CancellationToken cancellationToken) =>
        firewall.AdmitResolvedAsync(resolverSources.TryGetValue(workspaceId, out var source) ? source
            : throw new InvalidOperationException($"{workspaceId} has no address"), addresses, ttl, CancellationToken.None);

    private IReadOnlyCollection<WorkspaceRules> AllRules()
    {
        // A workspace being deleted has no rules any more, even while its row keeps its address.
        var all = repository.All();
        return all.Where(r => r.InternalIp is not null && r.Status != WorkspaceStatus.Deleting).Select(r => RulesOf(r, all)).ToList();
    }

    /// <summary>What the firewall enforces for <paramref name="record"/>; private links become ingress addresses.</summary>
    private static WorkspaceRules RulesOf(WorkspaceRecord record, IReadOnlyList<WorkspaceRecord> all)
    {
        var config = record.Config;
        var egress = config.Egress ?? [];
        var linked = (config.PrivateLinkIds ?? [])
            .Select(id => all.FirstOrDefault(r => r.Id == id)?.InternalIp)
            .OfType<string>()
            .Select(ip => new IPNetwork(IPAddress.Parse(ip), 32));
        return new WorkspaceRules
        {
            WorkspaceId = record.Id,
            Address = IPAddress.Parse(record.InternalIp!),
            AllowInternet = config.AllowInternet ?? true,
            Egress = egress.Select(NetworkRulesParser.ParseNetwork).OfType<IPNetwork>().ToList(),
            EgressHasHostnames = egress.Any(e => NetworkRulesParser.ParseNetwork(e) is null),
            Ingress = (config.Ingress ?? []).Select(NetworkRulesParser.ParseNetwork).OfType<IPNetwork>().Concat(linked).Distinct().ToList(),
            IngressPorts = config.IngressPorts ?? [],
        };
    }

    /// <summary>
    /// What the resolver lets each workspace resolve: with an <c>egress</c> list, or without
    /// internet, only the hostnames of its list (none at all for one with only addresses, or
    /// air-gapped: a query for any name would carry data out to whoever serves that name);
    /// otherwise any name. Built and published under one lock, so an older snapshot never
    /// replaces a newer one.
    /// </summary>
    private void RefreshResolverClients()
    {
        lock (refreshLock) RefreshResolverClientsLocked();
    }

    private void RefreshResolverClientsLocked()
    {
        var networked = repository.All().Where(r => r.InternalIp is not null && r.Status != WorkspaceStatus.Deleting).ToList();
        resolverSources = networked.ToFrozenDictionary(r => r.Id, r => IPAddress.Parse(r.InternalIp!));
        resolverClients = networked
            .ToFrozenDictionary(r => r.InternalIp!, r =>
            {
                var names = (r.Config.Egress ?? []).Where(e => NetworkRulesParser.ParseNetwork(e) is null)
                    .Select(e => HostnamePattern.TryParse(e, out var p) ? p : (HostnamePattern?)null).OfType<HostnamePattern>().ToList();
                var restricted = r.Config.Egress is { Count: > 0 } || r.Config.AllowInternet == false;
                return new DnsClientPolicy(r.Id, restricted ? names : null);
            });
    }

    [LoggerMessage(EventId = 8004, Level = LogLevel.Warning, Message = "no IPv4 DNS upstream (none in /etc/resolv.conf and no --dns-upstreams): the workspace resolver is not started, lookups are refused")]
    private partial void LogNoUpstreams();

    [LoggerMessage(EventId = 8005, Level = LogLevel.Warning, Message = "the nftables table inet hearth was gone (nft flush ruleset, or the nftables service restarted?): rebuilt from the store")]
    private partial void LogTableGone();

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "firewall rebuilt from the store: {Count} workspace(s)")]
    private partial void LogSynced(int count);
}
