using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using static Hearth.IntegrationTests.Network.NetworkLabFixture;
using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>A may reach B only (egress [B]); B admits A; C admits everybody; D has no rules (the control).</summary>
public sealed class EgressLab : NetworkLabFixture
{
    public LabWorkspace A { get; private set; } = null!;
    public LabWorkspace B { get; private set; } = null!;
    public LabWorkspace C { get; private set; } = null!;
    public LabWorkspace D { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        // B's ingress names A and A's egress names B: one of them comes after the other exists.
        A = await CreateAsync("A");
        B = await CreateAsync("B", $$"""{"ingress":["{{A.Ip}}"]}""");
        C = await CreateAsync("C", """{"ingress":["0.0.0.0/0"]}""");
        D = await CreateAsync("D");
        var patched = await Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{A.Id}/network", $$"""{"egress":["{{B.Ip}}"]}""").Within();
        patched.EnsureStatus(HttpStatusCode.OK);
    }
}

/// <summary>
/// A's side of the rule (DESIGN §6): with an <c>egress</c> list a workspace reaches its entries
/// and nothing else, and an entry outside the pool only with <c>allow_internet</c>.
/// </summary>
public sealed class EgressTests(EgressLab lab) : IClassFixture<EgressLab>
{
    private static Probe[] Internet => Every(InternetAddress, InternetPort);

    [Fact]
    public async Task A_workspace_with_an_egress_list_reaches_its_entries_and_nothing_else()
    {
        // The control: a workspace without an egress list reaches C and the internet.
        await lab.D.ExpectAsync(Open, [.. Every(lab.C.Ip), .. Internet]);

        await lab.A.ExpectAsync(Open, Every(lab.B.Ip));
        await lab.A.ExpectAsync(Refused, [.. Every(lab.C.Ip), .. Internet]);
    }

    [Fact]
    public async Task An_entry_outside_the_pool_needs_allow_internet()
    {
        var online = await lab.CreateAsync("online", $$"""{"egress":["{{InternetAddress}}"]}""");
        var offline = await lab.CreateAsync("offline", $$"""{"allow_internet":false,"egress":["{{lab.C.Ip}}","{{InternetAddress}}/32"]}""");

        await online.ExpectAsync(Open, Internet);
        await online.ExpectAsync(Refused, Every(lab.C.Ip));
        // allow_internet:false with an egress list (use case 6): the workspaces listed, never the internet.
        await offline.ExpectAsync(Open, Every(lab.C.Ip));
        await offline.ExpectAsync(Refused, Internet);
    }

    [Fact]
    public async Task A_cidr_entry_covers_every_address_in_it()
    {
        var pool = await lab.CreateAsync("pool", """{"egress":["10.88.0.0/16"]}""");

        await pool.ExpectAsync(Open, Every(lab.C.Ip));
        await pool.ExpectAsync(Refused, Internet);
    }
}
