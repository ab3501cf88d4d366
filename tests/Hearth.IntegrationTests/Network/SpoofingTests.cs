using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;
using static Hearth.IntegrationTests.Network.NetworkLabFixture;
using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// Two attackers, A and M, without rules; B admits both; C admits B only; V admits everybody.
/// A attacks as its root can (raw sending with CAP_NET_RAW); M's network namespace is changed
/// from the host, as if its root had CAP_NET_ADMIN.
/// </summary>
public sealed class SpoofingLab : NetworkLabFixture
{
    public LabWorkspace A { get; private set; } = null!;
    public LabWorkspace M { get; private set; } = null!;
    public LabWorkspace B { get; private set; } = null!;
    public LabWorkspace C { get; private set; } = null!;
    public LabWorkspace V { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        A = await CreateAsync("A");
        M = await CreateAsync("M");
        B = await CreateAsync("B", $$"""{"ingress":["{{A.Ip}}","{{M.Ip}}"]}""");
        C = await CreateAsync("C", $$"""{"ingress":["{{B.Ip}}"]}""");
        V = await CreateAsync("V", """{"ingress":["0.0.0.0/0"]}""");
    }
}

/// <summary>
/// Root inside a workspace gains nothing (DESIGN §6: enforcement lives in the host's namespace,
/// anti-spoofing per veth): not by sending with another workspace's address or one of its own
/// choosing, nor by changing its addresses and routes. A spoofed packet is dropped at the veth,
/// so the target's own packet counter shows that not one arrived.
/// </summary>
public sealed class SpoofingTests(SpoofingLab lab) : IClassFixture<SpoofingLab>
{
    /// <summary>An address of the pool that no workspace of the lab has.</summary>
    private const string Unassigned = "10.88.0.250";

    [Fact]
    public async Task Packets_sent_from_another_address_never_arrive()
    {
        // The controls: sending from its own address with the same socket options works, and C
        // does admit B, whose address A is going to borrow.
        await lab.A.ExpectAsync(Open, [.. Every(lab.V.Ip).Select(p => p with { From = lab.A.Ip })]);
        await lab.A.ExpectAsync(Refused, [.. Every(lab.C.Ip).Select(p => p with { From = lab.A.Ip })]);
        await lab.B.ExpectAsync(Open, Every(lab.C.Ip));

        var atC = await lab.C.PacketsReceivedAsync();
        var atV = await lab.V.PacketsReceivedAsync();
        Probe[] spoofed =
        [
            .. Every(lab.C.Ip).Select(p => p with { From = lab.B.Ip }),
            .. new[] { lab.B.Ip, Unassigned, Gateway, InternetAddress }.SelectMany(from => Every(lab.V.Ip).Select(p => p with { From = from })),
        ];
        await lab.A.ExpectAsync(TimedOut, [.. spoofed.Select(p => p with { TimeoutMs = 300 })]);
        Assert.Equal(atC, await lab.C.PacketsReceivedAsync());
        Assert.Equal(atV, await lab.V.PacketsReceivedAsync());

        // The counters do count: B's admitted probes arrive.
        await lab.B.ExpectAsync(Open, Every(lab.C.Ip));
        Assert.True(await lab.C.PacketsReceivedAsync() > atC);
    }

    [Fact]
    public async Task Changing_addresses_and_routes_in_its_own_namespace_gains_nothing()
    {
        var m = lab.M;
        // Root inside has no CAP_NET_ADMIN; the host makes the changes for it, in its namespace:
        // what a root who had it could do.
        var inside = await m.ShAsync($"ip addr add {lab.B.Ip}/32 dev eth0 && ip route flush dev eth0");
        Assert.True(inside.ExitCode != 0 && inside.Stderr.Contains("Operation not permitted", StringComparison.Ordinal), $"root inside changed its network: {inside}");
        var pid = await m.InitPidAsync();
        async Task Net(string commands) =>
            (await Command.RunAsync("nsenter", [$"--net=/proc/{pid}/ns/net", "/bin/sh", "-ec", commands]).Within()).EnsureSuccess();
        var hostMac = (await lab.Host.ShAsync($"cat /sys/class/net/{m.HostVeth}/address")).EnsureSuccess().Stdout.Trim();
        await m.ExpectAsync(Open, [.. Every(lab.B.Ip), .. Every(lab.V.Ip)]);
        await m.ExpectAsync(Refused, Every(lab.C.Ip));

        // B's address on its own eth0: C, which admits B, still gets nothing from it.
        await Net($"ip addr add {lab.B.Ip}/32 dev eth0");
        var atC = await lab.C.PacketsReceivedAsync();
        await m.ExpectAsync(TimedOut, [.. Every(lab.C.Ip).Select(p => p with { From = lab.B.Ip, TimeoutMs = 300 })]);
        Assert.Equal(atC, await lab.C.PacketsReceivedAsync());
        await Net($"ip addr del {lab.B.Ip}/32 dev eth0");

        // A new address of its own instead of the one it was given: V, which admits everybody, gets nothing.
        await Net($"ip addr add {Unassigned}/32 dev eth0; ip addr del {m.Ip}/32 dev eth0");
        var atV = await lab.V.PacketsReceivedAsync();
        await m.ExpectAsync(TimedOut, [.. Every(lab.V.Ip).Select(p => p with { TimeoutMs = 300 })]);
        Assert.Equal(atV, await lab.V.PacketsReceivedAsync());
        await Net($"ip addr add {m.Ip}/32 dev eth0; ip addr del {Unassigned}/32 dev eth0");

        // On-link routes to the other workspaces, straight to the host end's MAC: still only what B and V admit.
        await Net(string.Concat(new[] { lab.B.Ip, lab.C.Ip, lab.V.Ip }.Select(ip =>
            $"ip route add {ip}/32 dev eth0; ip neigh replace {ip} lladdr {hostMac} dev eth0 nud permanent; ")));
        await m.ExpectAsync(Open, [.. Every(lab.B.Ip), .. Every(lab.V.Ip)]);
        await m.ExpectAsync(Refused, Every(lab.C.Ip));

        // Every route flushed, then the usual ones back: exactly what the rules allow, as before.
        await Net("ip route flush dev eth0; ip neigh flush dev eth0 nud all");
        await m.ExpectAsync(Unreachable, Tcp(lab.V.Ip, 80));
        await Net($"ip route add {Gateway} dev eth0 scope link; ip route add default via {Gateway} dev eth0");
        await m.ExpectAsync(Open, [.. Every(lab.B.Ip), .. Every(lab.V.Ip), .. Every(InternetAddress, InternetPort)]);
        await m.ExpectAsync(Refused, Every(lab.C.Ip));
    }
}
