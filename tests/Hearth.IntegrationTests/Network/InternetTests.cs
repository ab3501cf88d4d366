using static Hearth.IntegrationTests.Network.NetworkLabFixture;
using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>One workspace with internet (the default), one without, one that admits everybody.</summary>
public sealed class InternetLab : NetworkLabFixture
{
    public LabWorkspace Online { get; private set; } = null!;
    public LabWorkspace Offline { get; private set; } = null!;
    public LabWorkspace Welcoming { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        Online = await CreateAsync("online");
        Offline = await CreateAsync("offline", """{"allow_internet":false}""");
        Welcoming = await CreateAsync("welcoming", """{"ingress":["0.0.0.0/0"]}""");
    }
}

/// <summary>
/// Internet access is NAT on the uplink (issue 4, item 4): a workspace with <c>allow_internet</c>
/// reaches the lab's internet and arrives there as the uplink's address; one without does not;
/// the internet opens no connection to a workspace although it has a route to the pool.
/// </summary>
public sealed class InternetTests(InternetLab lab) : IClassFixture<InternetLab>
{
    [Fact]
    public async Task A_workspace_with_internet_arrives_as_the_uplink_address()
    {
        var answers = await lab.Online.ProbeAsync(Tcp(InternetAddress, InternetPort), Udp(InternetAddress, InternetPort));
        Assert.Equal([$"open ok {UplinkAddress}", $"open ok {UplinkAddress}"], answers);
        await lab.Online.ExpectAsync(Open, Icmp(InternetAddress));
        Assert.Contains($"tcp {UplinkAddress} {InternetPort}", lab.InternetService.Peers);
        Assert.DoesNotContain(lab.InternetService.Peers, p => p.Contains(lab.Online.Ip, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_workspace_without_internet_does_not_get_out()
    {
        await lab.Online.ExpectAsync(Open, Every(InternetAddress, InternetPort));
        await lab.Offline.ExpectAsync(Refused, [.. Every(InternetAddress, InternetPort), Tcp(InternetAddress, 443)]);
    }

    [Fact]
    public async Task The_internet_opens_no_connection_to_a_workspace()
    {
        // The controls: the internet's route into the pool works (the gateway's host service
        // answers), and the workspace that admits everybody is reached by the others.
        await lab.Internet.ExpectAsync(Open, Tcp(Gateway, HostServicePort));
        await lab.Online.ExpectAsync(Open, Every(lab.Welcoming.Ip));

        // ingress ["0.0.0.0/0"] admits every workspace, not the outside (the edge will be its way in).
        foreach (var workspace in new[] { lab.Online, lab.Offline, lab.Welcoming })
            await lab.Internet.ExpectAsync(Refused, [.. Every(workspace.Ip), Tcp(workspace.Ip, 5432), Udp(workspace.Ip, 7000)]);
    }
}
