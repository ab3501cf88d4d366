using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// A hearthd whose workspace network lives in a namespace this fixture made (<see cref="Host"/>),
/// linked by a veth (<c>uplink0</c>, <see cref="UplinkAddress"/>, hearthd's <c>--network-uplink</c>)
/// to a second namespace that plays the internet (<see cref="Internet"/>, <see cref="InternetAddress"/>).
/// Nothing has a route off the machine: every packet of these tests stays in these two namespaces
/// and the workspaces' own. A TCP/UDP listener runs on 0.0.0.0:<see cref="HostServicePort"/> of
/// hearthd's namespace (the host's services), another on the internet's <see cref="InternetPort"/>,
/// and one in every workspace made by <see cref="CreateAsync"/> on <see cref="WorkspacePorts"/>.
/// A class that needs its own workspaces derives and overrides <see cref="PopulateAsync"/>.
/// </summary>
public class NetworkLabFixture : IAsyncLifetime
{
    public const string Uplink = "uplink0";
    public const string UplinkAddress = "203.0.113.1";
    public const string InternetAddress = "203.0.113.10";
    public const string Gateway = "10.88.0.1";
    /// <summary>Another address of hearthd's namespace (on its <c>lo</c>), next to the gateway and the uplink.</summary>
    public const string OtherHostAddress = "198.51.100.1";
    /// <summary>The cloud metadata address, also given to hearthd's namespace so that something would answer there.</summary>
    public const string MetadataAddress = "169.254.169.254";
    public const int HostServicePort = 8080;
    public const int InternetPort = 80;
    public static readonly int[] WorkspacePorts = [80, 5432, 7000];

    private readonly List<LabListener> listeners = [];
    private HearthdInstance? hearthd;
    private string? hostNamespace;
    private string? internetNamespace;
    private int created;

    public HearthdInstance Hearthd => hearthd ?? throw new InvalidOperationException("hearthd did not start");

    /// <summary>hearthd's network namespace: the gateway, the veths, the nftables table, the host's services.</summary>
    public LabNamespace Host => new("host", hostNamespace ?? throw new InvalidOperationException("no lab"));

    /// <summary>The namespace at the other end of the uplink: everything outside the machine.</summary>
    public LabNamespace Internet => new("internet", internetNamespace ?? throw new InvalidOperationException("no lab"));

    /// <summary>The listener on 0.0.0.0:<see cref="HostServicePort"/> of hearthd's namespace.</summary>
    public LabListener HostService { get; private set; } = null!;

    /// <summary>The listener on <see cref="InternetAddress"/>:<see cref="InternetPort"/>.</summary>
    public LabListener InternetService { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            await NetTool.PathAsync().Within(TimeSpan.FromMinutes(2));
            hostNamespace = await TestNetworkNamespaces.CreateAsync("h").Within();
            internetNamespace = await TestNetworkNamespaces.CreateAsync("i").Within();
            string[] h = ["-n", hostNamespace], i = ["-n", internetNamespace];
            string[][] commands =
            [
                [.. h, "link", "add", Uplink, "type", "veth", "peer", "name", "eth0", "netns", internetNamespace],
                [.. h, "addr", "add", UplinkAddress + "/24", "dev", Uplink],
                [.. h, "link", "set", Uplink, "up"],
                [.. h, "addr", "add", OtherHostAddress + "/32", "dev", "lo"],
                [.. h, "addr", "add", MetadataAddress + "/32", "dev", "lo"],
                [.. h, "route", "add", "default", "via", InternetAddress],
                [.. i, "addr", "add", InternetAddress + "/24", "dev", "eth0"],
                [.. i, "link", "set", "eth0", "up"],
                // The internet knows the way to the pool, so only the firewall keeps it out of the workspaces.
                [.. i, "route", "add", "10.88.0.0/16", "via", UplinkAddress],
            ];
            foreach (var command in commands)
                (await Command.RunAsync("ip", command).Within()).EnsureSuccess();
            // The firewall refuses UDP and ICMP with ICMP errors, which the kernel limits per
            // destination (icmp_ratelimit: a burst of 6, then one a second); a test sends dozens.
            (await Command.RunAsync("ip", ["netns", "exec", hostNamespace, "sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0"]).Within()).EnsureSuccess();
            // The resolver's upstream sits in the internet namespace too (nothing answers there).
            hearthd = await HearthdInstance.StartAsync("--network-namespace", hostNamespace, "--network-uplink", Uplink,
                "--dns-upstreams", $"{InternetAddress}:53").Within(Bounded.Daemon);
            HostService = await Listen(hostNamespace, HostServicePort);
            InternetService = await Listen(internetNamespace, InternetPort);
            await PopulateAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Makes the workspaces a class shares (its tests must not change them, or must put them back).</summary>
    protected virtual Task PopulateAsync() => Task.CompletedTask;

    /// <summary>
    /// Creates a busybox workspace with <paramref name="config"/> (the JSON of <c>config</c>),
    /// gives it nettool and starts its listener on <see cref="WorkspacePorts"/>.
    /// </summary>
    public async Task<LabWorkspace> CreateAsync(string label, string config = "{}")
    {
        var name = $"{label.ToLowerInvariant()}-{Interlocked.Increment(ref created)}";
        var response = await Hearthd.PostAsync("/workspace", $$"""{"image":"busybox","name":"{{name}}","config":{{config}}}""").Within(Bounded.Create);
        response.EnsureStatus(HttpStatusCode.Created);
        var workspace = new LabWorkspace(label,
            response.Workspace.GetProperty("id").GetString()!,
            response.Workspace.GetProperty("info").GetProperty("internal_ip").GetString()!,
            Hearthd.CrunRoot);
        await NetTool.InstallAsync(Hearthd, workspace.Id);
        await LabListener.StartInWorkspaceAsync(workspace, WorkspacePorts);
        return workspace;
    }

    /// <summary>The <c>inet hearth</c> table as <c>nft list table</c> prints it.</summary>
    public async Task<string> RulesetAsync() =>
        (await Command.RunAsync("ip", ["netns", "exec", Host.Name, "nft", "list", "table", "inet", "hearth"]).Within()).EnsureSuccess().Stdout;

    /// <summary>Starts a listener in one of the lab's namespaces; it ends with the lab.</summary>
    public async Task<LabListener> Listen(string netns, params int[] ports) => Keep(await LabListener.StartAsync(netns, ports).Within());

    /// <summary>Starts "the internet's" DNS zone on <see cref="InternetAddress"/>:53, hearthd's upstream; it ends with the lab.</summary>
    public async Task<LabListener> ServeDnsAsync(params string[] records) => Keep(await LabListener.StartDnsAsync(Internet.Name, records).Within());

    private LabListener Keep(LabListener listener)
    {
        lock (listeners) listeners.Add(listener);
        return listener;
    }

    public virtual async Task DisposeAsync()
    {
        try
        {
            foreach (var listener in listeners)
                await listener.DisposeAsync();
            listeners.Clear();
            if (hearthd is not null)
                await hearthd.DisposeAsync().AsTask().Within(Bounded.Daemon);
            hearthd = null;
        }
        finally
        {
            // Deleting a namespace takes its interfaces with it, the uplink pair included.
            foreach (var netns in new[] { hostNamespace, internetNamespace }.OfType<string>())
                await TestNetworkNamespaces.DeleteAsync(netns).Within();
            hostNamespace = internetNamespace = null;
        }
    }
}
