using Xunit.Abstractions;
using static Hearth.IntegrationTests.Network.NetworkLabFixture;
using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>Two workspaces without rules, and one that admits everybody (the positive control).</summary>
public sealed class DefaultDenyLab : NetworkLabFixture
{
    public LabWorkspace A { get; private set; } = null!;
    public LabWorkspace B { get; private set; } = null!;
    public LabWorkspace Welcoming { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        A = await CreateAsync("A");
        B = await CreateAsync("B");
        Welcoming = await CreateAsync("welcoming", """{"ingress":["0.0.0.0/0"]}""");
    }
}

/// <summary>
/// DESIGN §6 defaults: a workspace without ingress is reached by nobody (no workspace, not the
/// host); no workspace reaches the host's services, whatever host address it tries; only the
/// resolver's port 53 on the gateway is open to them.
/// </summary>
public sealed class DefaultDenyTests(DefaultDenyLab lab, ITestOutputHelper output) : IClassFixture<DefaultDenyLab>
{
    [Fact]
    public async Task A_workspace_without_ingress_is_reached_by_nobody()
    {
        // The controls: each listener answers inside its own workspace, and the same probes from
        // the same workspaces reach one that admits everybody.
        await lab.A.ExpectAsync(Open, Tcp(lab.A.Ip, 80), Udp(lab.A.Ip, 80));
        await lab.B.ExpectAsync(Open, Tcp(lab.B.Ip, 80), Udp(lab.B.Ip, 80));
        await lab.A.ExpectAsync(Open, Every(lab.Welcoming.Ip));
        await lab.B.ExpectAsync(Open, Every(lab.Welcoming.Ip));

        await lab.A.ExpectAsync(Refused, [.. Every(lab.B.Ip), Tcp(lab.B.Ip, 5432), Udp(lab.B.Ip, 7000)]);
        await lab.B.ExpectAsync(Refused, [.. Every(lab.A.Ip), Tcp(lab.A.Ip, 5432), Udp(lab.A.Ip, 7000)]);
        // Nothing outside the workspaces opens a connection into one, not even into one that admits everybody.
        await lab.Host.ExpectAsync(Refused, [.. Every(lab.A.Ip), .. Every(lab.Welcoming.Ip)]);
    }

    [Fact]
    public async Task Packets_of_no_connection_reach_no_workspace()
    {
        var target = lab.Welcoming;
        // The control: the workspace counts such a packet when one arrives (sent to itself, over lo).
        var count = await target.PacketsReceivedAsync();
        await target.StrayAsync(target.Ip);
        Assert.True(await target.PacketsReceivedAsync() > count, "the packet counter did not count the workspace's own stray packets");

        // An echo reply nobody asked for is in no connection (conntrack: invalid): not a reply, so it does not get in.
        foreach (var source in new ProbeSource[] { lab.Internet, lab.Host, lab.A })
        {
            count = await target.PacketsReceivedAsync();
            await source.StrayAsync(target.Ip);
            Assert.True(count == await target.PacketsReceivedAsync(), $"stray packets from {source} reached {target}");
        }
    }

    [Fact]
    public async Task No_workspace_reaches_a_host_service_on_any_host_address()
    {
        string[] hostAddresses = [Gateway, OtherHostAddress, UplinkAddress, MetadataAddress];
        Probe[] service = [.. hostAddresses.SelectMany(a => new[] { Tcp(a, HostServicePort), Udp(a, HostServicePort) })];
        // The control: the service answers on every one of these addresses to a caller in its own
        // namespace, and to the internet through the uplink.
        await lab.Host.ExpectAsync(Open, service);
        await lab.Internet.ExpectAsync(Open, Tcp(UplinkAddress, HostServicePort), Tcp(Gateway, HostServicePort));

        foreach (var workspace in new[] { lab.A, lab.Welcoming })
            await workspace.ExpectAsync(Refused, [.. service, .. hostAddresses.Select(Icmp)]);
    }

    [Fact]
    public async Task The_resolver_port_on_the_gateway_is_the_one_host_port_a_workspace_reaches()
    {
        // hearthd's resolver listens on the gateway's port 53, TCP and UDP.
        var resolver = (await lab.Host.ShAsync("ss -Hltn 'sport = :53'")).EnsureSuccess().Stdout.Trim();
        Assert.Contains($"{Gateway}:53", resolver, StringComparison.Ordinal);
        output.WriteLine($"hearthd's resolver listens: {resolver}");

        await lab.A.ExpectAsync(Open, Tcp(Gateway, 53) with { TimeoutMs = 300 });
        await lab.A.ExpectAsync(Refused, Tcp(Gateway, 54), Tcp(Gateway, HostServicePort), Udp(Gateway, HostServicePort));
    }
}
