using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>A and C without rules; B admits A; P admits A on port 5432 only; W admits the pool by CIDR.</summary>
public sealed class IngressLab : NetworkLabFixture
{
    public LabWorkspace A { get; private set; } = null!;
    public LabWorkspace B { get; private set; } = null!;
    public LabWorkspace C { get; private set; } = null!;
    public LabWorkspace P { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        A = await CreateAsync("A");
        C = await CreateAsync("C");
        B = await CreateAsync("B", $$"""{"ingress":["{{A.Ip}}"]}""");
        P = await CreateAsync("P", $$"""{"ingress":["{{A.Ip}}"],"ingress_ports":[5432]}""");
    }
}

/// <summary>
/// B's side of the rule (DESIGN §6): <c>ingress</c> lists who may open connections to B, on any
/// port and protocol; with <c>ingress_ports</c>, only to those TCP/UDP ports, and ICMP not at all.
/// </summary>
public sealed class IngressTests(IngressLab lab) : IClassFixture<IngressLab>
{
    [Fact]
    public async Task An_admitted_workspace_reaches_every_port_and_protocol_and_no_other_does()
    {
        var b = lab.B.Ip;
        await lab.A.ExpectAsync(Open, [.. Every(b), Tcp(b, 5432), Udp(b, 5432), Tcp(b, 7000), Udp(b, 7000)]);
        await lab.C.ExpectAsync(Refused, [.. Every(b), Tcp(b, 5432), Udp(b, 5432), Tcp(b, 7000), Udp(b, 7000)]);
    }

    [Fact]
    public async Task Ingress_admits_one_way_only()
    {
        // A opens to B; B, which admits A, still cannot open to A (A's own ingress is empty).
        await lab.A.ExpectAsync(Open, Every(lab.B.Ip));
        await lab.B.ExpectAsync(Refused, Every(lab.A.Ip));
    }

    [Fact]
    public async Task Ingress_ports_admit_only_those_ports_and_no_icmp()
    {
        var p = lab.P.Ip;
        await lab.A.ExpectAsync(Open, Tcp(p, 5432), Udp(p, 5432));
        await lab.A.ExpectAsync(Refused, Tcp(p, 80), Udp(p, 80), Tcp(p, 7000), Udp(p, 7000), Icmp(p));
        // The port is open to admitted sources only.
        await lab.C.ExpectAsync(Refused, Tcp(p, 5432), Udp(p, 5432));
    }

    [Fact]
    public async Task Cidr_entries_admit_every_address_they_cover()
    {
        var pool = await lab.CreateAsync("pool", """{"ingress":["10.88.0.0/16"]}""");
        var everyone = await lab.CreateAsync("everyone", """{"ingress":["0.0.0.0/0"]}""");
        var elsewhere = await lab.CreateAsync("elsewhere", """{"ingress":["10.99.0.0/16"]}""");

        foreach (var source in new[] { lab.A, lab.C })
        {
            await source.ExpectAsync(Open, [.. Every(pool.Ip), .. Every(everyone.Ip)]);
            await source.ExpectAsync(Refused, Every(elsewhere.Ip));
        }
    }
}
