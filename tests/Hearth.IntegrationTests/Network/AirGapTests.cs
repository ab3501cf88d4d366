using static Hearth.IntegrationTests.Network.NetworkLabFixture;
using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// Two air-gapped workspaces (<c>allow_internet: false</c>, no ingress; one through
/// <c>network_config</c>), one that admits everybody and one without rules (the controls).
/// </summary>
public sealed class AirGapLab : NetworkLabFixture
{
    public LabWorkspace Gapped { get; private set; } = null!;
    public LabWorkspace GappedByNetworkConfig { get; private set; } = null!;
    public LabWorkspace Welcoming { get; private set; } = null!;
    public LabWorkspace Plain { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        Gapped = await CreateAsync("gapped", """{"allow_internet":false,"ingress":[]}""");
        GappedByNetworkConfig = await CreateAsync("gapped2", """{"network_config":{"allow_internet":false}}""");
        Welcoming = await CreateAsync("welcoming", """{"ingress":["0.0.0.0/0"]}""");
        Plain = await CreateAsync("plain");
    }
}

/// <summary>Use case "Full air-gap": the workspace can talk to nothing and be reached by nothing.</summary>
public sealed class AirGapTests(AirGapLab lab) : IClassFixture<AirGapLab>
{
    private static Probe[] Internet => Every(InternetAddress, InternetPort);

    [Fact]
    public async Task An_air_gapped_workspace_reaches_nothing()
    {
        // The control: a workspace without rules reaches the one that admits everybody, and the internet.
        await lab.Plain.ExpectAsync(Open, [.. Every(lab.Welcoming.Ip), .. Internet]);

        foreach (var gapped in new[] { lab.Gapped, lab.GappedByNetworkConfig })
            await gapped.ExpectAsync(Refused, [.. Every(lab.Welcoming.Ip), .. Every(lab.Plain.Ip), .. Internet, Tcp(UplinkAddress, HostServicePort)]);
    }

    [Fact]
    public async Task Nothing_reaches_an_air_gapped_workspace()
    {
        // The control: the same sources reach a workspace that admits everybody (the host and the
        // internet never do: nothing outside the workspaces opens a connection into one).
        await lab.Plain.ExpectAsync(Open, Every(lab.Welcoming.Ip));

        foreach (var source in new ProbeSource[] { lab.Plain, lab.Welcoming, lab.GappedByNetworkConfig, lab.Host, lab.Internet })
            await source.ExpectAsync(Refused, [.. Every(lab.Gapped.Ip), Tcp(lab.Gapped.Ip, 5432), Udp(lab.Gapped.Ip, 7000)]);
    }
}
