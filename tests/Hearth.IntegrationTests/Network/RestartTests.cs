using Hearth.IntegrationTests.Infrastructure;
using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>B admits A; C has no rules.</summary>
public sealed class RestartLab : NetworkLabFixture
{
    public LabWorkspace A { get; private set; } = null!;
    public LabWorkspace B { get; private set; } = null!;
    public LabWorkspace C { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        A = await CreateAsync("A");
        B = await CreateAsync("B", $$"""{"ingress":["{{A.Ip}}"]}""");
        C = await CreateAsync("C");
    }
}

/// <summary>
/// The firewall is rebuilt from the store at daemon start (issue 4), whatever became of the
/// table meanwhile, and within seconds when something removes it while hearthd runs.
/// </summary>
public sealed class RestartTests(RestartLab lab) : IClassFixture<RestartLab>
{
    [Fact]
    public async Task A_restarted_hearthd_rebuilds_a_table_that_was_removed_while_it_was_down()
    {
        await lab.Hearthd.StopAsync().Within(Bounded.Daemon);
        // An operator's `nft flush ruleset` while hearthd is down; the workspaces keep running.
        (await lab.Host.ShAsync("nft delete table inet hearth")).EnsureSuccess();
        // The control: without the table the host just routes, and C gets into B.
        await lab.C.ExpectAsync(Open, Every(lab.B.Ip));

        await lab.Hearthd.LaunchAsync().Within(Bounded.Daemon);

        var ruleset = await lab.RulesetAsync();
        foreach (var workspace in new[] { lab.A, lab.B, lab.C })
            Assert.Contains($"chain ws_{workspace.Id[3..]}_to", ruleset, StringComparison.Ordinal);
        await lab.A.ExpectAsync(Open, Every(lab.B.Ip));
        await lab.C.ExpectAsync(Refused, Every(lab.B.Ip));
        await lab.B.ExpectAsync(Refused, Every(lab.A.Ip));
    }

    [Fact]
    public async Task A_running_hearthd_puts_back_a_table_removed_under_it()
    {
        await lab.C.ExpectAsync(Refused, Every(lab.B.Ip));
        var removed = System.Diagnostics.Stopwatch.StartNew();
        (await lab.Host.ShAsync("nft flush ruleset")).EnsureSuccess(); // what Debian's nftables service does first

        while (!(await lab.Host.ShAsync("nft list tables inet")).Stdout.Contains("table inet hearth", StringComparison.Ordinal))
        {
            Assert.True(removed.Elapsed < TimeSpan.FromSeconds(10), "the table was not rebuilt within 10 s");
            await Task.Delay(100);
        }

        Assert.InRange(removed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5)); // the watchdog looks every 2 s
        await lab.C.ExpectAsync(Refused, Every(lab.B.Ip));
        await lab.A.ExpectAsync(Open, Every(lab.B.Ip));
    }
}
