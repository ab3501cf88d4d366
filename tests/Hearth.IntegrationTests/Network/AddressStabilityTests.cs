using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// A workspace keeps its address and its rules across stop/start and across a killed and
/// restarted hearthd (the table is rebuilt from the store), and new workspaces never get an
/// address in use.
/// </summary>
public sealed class AddressStabilityTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Address_and_rules_survive_stop_start_and_a_killed_daemon()
    {
        var a = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var ipA = await AddressOfAsync(a);
        var b = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"ingress":[""" + $"\"{ipA}\"" + "]}}").Within(Bounded.Create);
        var ipB = await AddressOfAsync(b);
        var c = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        Assert.Equal(3, new[] { ipA, ipB, await AddressOfAsync(c) }.Distinct().Count());
        await AssertPingAsync(a, ipB, reaches: true);
        await AssertPingAsync(c, ipB, reaches: false);

        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{b}/stop").Within(Bounded.Create), HttpStatusCode.OK);
        await AssertPingAsync(a, ipB, reaches: false); // nothing answers for a stopped workspace
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{b}/start").Within(Bounded.Create), HttpStatusCode.OK);
        Assert.Equal(ipB, await AddressOfAsync(b));
        Assert.Equal(ipB, (await Hearthd.ShAsync(b, "ip -4 -o addr show dev eth0 | awk '{print $4}'").Within()).Stdout.Trim().Split('/')[0]);
        await AssertPingAsync(a, ipB, reaches: true);

        await Hearthd.KillAsync().Within();
        // While hearthd is down its table stays: the kernel keeps enforcing.
        await AssertPingAsync(c, ipB, reaches: false);
        await Hearthd.LaunchAsync().Within(Bounded.Daemon);

        Assert.Equal(ipB, await AddressOfAsync(b));
        await AssertPingAsync(a, ipB, reaches: true);
        await AssertPingAsync(c, ipB, reaches: false);
        var d = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        Assert.DoesNotContain(await AddressOfAsync(d), new[] { ipA, ipB });
    }

    private async Task<string> AddressOfAsync(string id)
    {
        var network = await Hearthd.GetAsync($"/workspace/{id}/network").Within();
        ApiAssert.Status(network, HttpStatusCode.OK);
        var ip = network.Json.GetProperty("ip").GetString()!;
        Assert.Matches(@"^10\.88\.\d+\.\d+$", ip);
        return ip;
    }

    private async Task AssertPingAsync(string from, string to, bool reaches)
    {
        var ping = await Hearthd.ExecAsync(from, "ping", "-c", "1", "-W", "1", to).Within();
        Assert.True(reaches == (ping.ExitCode == 0), $"ping {from} -> {to}: expected {(reaches ? "a reply" : "none")}\n{ping}");
    }
}
