using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using static Hearth.IntegrationTests.Network.NetworkLabFixture;
using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// Use case 5 (agent, data, app) and use case 9 (a results store, two workers) of
/// ../shared/reference/use-cases.md, with their configs as written there, plus a stranger
/// without rules. TCP 5432 stands in for postgres, TCP 7000 for the app's port.
/// </summary>
public sealed class UseCaseLab : NetworkLabFixture
{
    public LabWorkspace Agent { get; private set; } = null!;
    public LabWorkspace Data { get; private set; } = null!;
    public LabWorkspace App { get; private set; } = null!;
    public LabWorkspace Store { get; private set; } = null!;
    public LabWorkspace[] Workers { get; private set; } = [];
    public LabWorkspace Stranger { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        Agent = await CreateAsync("agent", """{"cpus":1,"allow_internet":true}""");
        Data = await CreateAsync("data", $$"""{"allow_internet":false,"ingress":["{{Agent.Ip}}"]}""");
        App = await CreateAsync("app", $$"""{"allow_internet":false,"ingress":["{{Agent.Ip}}","{{Data.Ip}}","0.0.0.0/0"]}""");
        Store = await CreateAsync("results", """{"allow_internet":false,"ingress":["10.0.0.0/8"]}""");
        Workers =
        [
            await CreateAsync("worker1", $$"""{"allow_internet":true,"egress":["chunk-1","{{Store.Ip}}"]}"""),
            await CreateAsync("worker2", $$"""{"allow_internet":true,"egress":["chunk-2","{{Store.Ip}}"]}"""),
        ];
        Stranger = await CreateAsync("stranger");
    }
}

/// <summary>The use cases' topologies behave as the use cases say (and DESIGN §6 where they are silent).</summary>
public sealed class UseCaseTopologyTests(UseCaseLab lab) : IClassFixture<UseCaseLab>
{
    private static Probe[] Internet => Every(InternetAddress, InternetPort);

    [Fact]
    public async Task Use_case_5_only_the_agent_reaches_data_and_everybody_reaches_the_app()
    {
        await lab.Agent.ExpectAsync(Open, [Tcp(lab.Data.Ip, 5432), Tcp(lab.App.Ip, 7000), .. Internet]);
        await lab.Stranger.ExpectAsync(Open, Tcp(lab.App.Ip, 7000));
        await lab.Stranger.ExpectAsync(Refused, Tcp(lab.Data.Ip, 5432), Icmp(lab.Data.Ip));
        await lab.App.ExpectAsync(Refused, [Tcp(lab.Data.Ip, 5432), .. Every(lab.Agent.Ip), .. Internet]);
        // data and app have allow_internet:false and no egress list: they open no connection at
        // all (DESIGN §6). So data cannot open one to app either, although app's ingress names it.
        await lab.Data.ExpectAsync(Refused, [Tcp(lab.App.Ip, 7000), .. Every(lab.Agent.Ip), .. Internet]);
        await lab.Internet.ExpectAsync(Refused, Tcp(lab.Data.Ip, 5432), Tcp(lab.App.Ip, 7000));
    }

    [Fact]
    public async Task Use_case_9_workers_reach_the_store_and_nothing_else()
    {
        // "chunk-1" is no address and resolves nowhere here: accepted, kept, and it matches nothing.
        var network = (await lab.Hearthd.GetAsync($"/workspace/{lab.Workers[0].Id}/network").Within()).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal(["chunk-1", lab.Store.Ip], network.GetProperty("egress").EnumerateArray().Select(e => e.GetString()));

        foreach (var worker in lab.Workers)
        {
            await worker.ExpectAsync(Open, [Tcp(lab.Store.Ip, 5432), .. Every(lab.Store.Ip)]);
            await worker.ExpectAsync(Refused, [.. Every(lab.App.Ip), .. Internet]);
        }
        await lab.Workers[0].ExpectAsync(Refused, Every(lab.Workers[1].Ip));
        // 10.0.0.0/8 admits every workspace of the pool, the stranger too; nothing outside it.
        await lab.Stranger.ExpectAsync(Open, Tcp(lab.Store.Ip, 5432));
        await lab.Internet.ExpectAsync(Refused, Tcp(lab.Store.Ip, 5432));
        // The store has no internet and no egress list: it opens nothing, not even to a workspace that admits everybody.
        await lab.Store.ExpectAsync(Refused, [.. Every(lab.App.Ip), .. Every(lab.Workers[0].Ip), .. Internet]);
    }
}
