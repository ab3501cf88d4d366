using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;
using Xunit.Abstractions;
using static Hearth.IntegrationTests.Network.NetworkLabFixture;
using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>A and B without rules; W admits everybody.</summary>
public sealed class LiveRuleLab : NetworkLabFixture
{
    public LabWorkspace A { get; private set; } = null!;
    public LabWorkspace B { get; private set; } = null!;
    public LabWorkspace W { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        A = await CreateAsync("A");
        B = await CreateAsync("B");
        W = await CreateAsync("W", """{"ingress":["0.0.0.0/0"]}""");
    }
}

/// <summary>
/// <c>PATCH /workspace/:id/network</c> applies to new connections at once (issue 4: within 100 ms),
/// both ways; a delete leaves no nftables object, veth or mention of the workspace behind.
/// </summary>
public sealed class LiveRuleTests(LiveRuleLab lab, ITestOutputHelper output) : IClassFixture<LiveRuleLab>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_patched_rule_applies_to_new_connections_within_100_ms()
    {
        var admit = await MeasureAsync(lab.B, $$"""{"ingress":["{{lab.A.Ip}}"]}""", before: Refused, after: Open);
        var revoke = await MeasureAsync(lab.B, """{"ingress":[]}""", before: Open, after: Refused);

        output.WriteLine($"admitting: {Describe(admit, Open)}");
        output.WriteLine($"revoking: {Describe(revoke, Refused)}");
        Assert.True(admit.FirstNew < Limit, $"a new ingress rule took {Ms(admit.FirstNew)} after the PATCH answer");
        Assert.True(revoke.FirstNew < Limit, $"removing an ingress rule took {Ms(revoke.FirstNew)} after the PATCH answer");
    }

    [Fact]
    public async Task Delete_leaves_no_rule_no_veth_and_no_mention_in_other_workspaces()
    {
        var d = await lab.CreateAsync("D", """{"ingress":["10.88.0.0/16"]}""");
        var e = await lab.CreateAsync("E", $$"""{"ingress":["{{d.Ip}}","{{lab.A.Ip}}"],"egress":["{{d.Ip}}"],"private_link_ids":["{{d.Id}}"]}""");
        var key = d.Id[3..];
        var mentionsD = new Regex($@"\b{Regex.Escape(d.Ip)}(?![\d])|{Regex.Escape(key)}");
        var pid = await d.InitPidAsync();
        // The controls: everything the delete must remove is there now, and E, whose egress names D only, reaches D and nothing else.
        Assert.Matches(mentionsD, await lab.RulesetAsync());
        Assert.Contains(d.HostVeth, await LinksAsync());
        var network = await NetworkAsync(e);
        Assert.Contains(d.Ip, Strings(network, "ingress"));
        Assert.Contains(d.Ip, Strings(network, "egress"));
        Assert.Contains(d.Id, network.GetProperty("private_links").EnumerateArray().Select(l => l.GetProperty("workspace_id").GetString()));
        await e.ExpectAsync(Open, Every(d.Ip));
        await e.ExpectAsync(Refused, [.. Every(lab.W.Ip), .. Every(InternetAddress, InternetPort)]);

        ApiAssert.Status(await lab.Hearthd.DeleteAsync("/workspace/" + d.Id).Within(Bounded.Create), HttpStatusCode.OK);

        var ruleset = await lab.RulesetAsync();
        Assert.True(!mentionsD.IsMatch(ruleset), $"the ruleset still mentions {d.Id} or {d.Ip}:\n{ruleset}");
        Assert.DoesNotContain(d.HostVeth, await LinksAsync());
        Assert.True(await ExitedAsync(pid), $"the init of the deleted workspace ({pid}), and with it its network namespace, is still there");
        network = await NetworkAsync(e);
        Assert.Equal([lab.A.Ip], Strings(network, "ingress"));
        Assert.DoesNotContain(d.Ip, Strings(network, "egress"));
        Assert.Empty(network.GetProperty("private_links").EnumerateArray());
        // What E's rules still say holds: A gets in; and E's egress, which named only D, did not
        // become "no list" (anything) when D went.
        await lab.A.ExpectAsync(Open, Every(e.Ip));
        await e.ExpectAsync(Refused, [.. Every(lab.W.Ip), .. Every(InternetAddress, InternetPort)]);
    }

    private static string Describe((TimeSpan FirstNew, TimeSpan RoundTrip) m, string outcome) =>
        (m.FirstNew <= TimeSpan.Zero ? $"in force before the answer: the first {outcome} probe ended {Ms(-m.FirstNew)} before it"
            : $"the first {outcome} probe ended {Ms(m.FirstNew)} after the answer")
        + $" (PATCH round trip {Ms(m.RoundTrip)}; every probe started after the answer was {outcome})";

    /// <summary>
    /// Probes A -> <paramref name="target"/>:80 in a loop from A's network namespace (a process
    /// started on the host: ~5 ms a probe, where <c>crun exec</c> takes ~50), PATCHes the
    /// target's network, and returns when, from the PATCH answer, the first probe with the new
    /// outcome ended (negative: the rule was in force before the answer arrived), and the PATCH's round trip.
    /// </summary>
    private async Task<(TimeSpan FirstNew, TimeSpan RoundTrip)> MeasureAsync(LabWorkspace target, string patch, string before, string after)
    {
        var netns = $"--net=/proc/{await lab.A.InitPidAsync()}/ns/net";
        var tool = await NetTool.PathAsync();
        var probes = new List<(long Start, long End, string Outcome)>();
        long answered = long.MaxValue;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var loop = Task.Run(async () =>
        {
            // Until five probes have started after the answer.
            while (probes.Count(p => p.Start > Volatile.Read(ref answered)) < 5 && !stop.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                var result = await Command.RunAsync("nsenter", [netns, tool, "probe", "tcp", target.Ip, "80", "--timeout-ms", "500"]);
                lock (probes) probes.Add((start, Stopwatch.GetTimestamp(), result.Stdout.Split(' ', '\n')[0]));
            }
        });
        while (probes.Count < 5) await Task.Delay(5);

        var sent = Stopwatch.GetTimestamp();
        var response = await lab.Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{target.Id}/network", patch).Within();
        Volatile.Write(ref answered, Stopwatch.GetTimestamp());
        response.EnsureStatus(HttpStatusCode.OK);
        await loop.Within();

        List<(long Start, long End, string Outcome)> seen;
        lock (probes) seen = [.. probes];
        var trace = string.Join('\n', seen.Select(p => $"  {Ms(Stopwatch.GetElapsedTime(answered, p.Start))} .. {Ms(Stopwatch.GetElapsedTime(answered, p.End))}: {p.Outcome}"));
        output.WriteLine($"PATCH {patch}: answered {Ms(Stopwatch.GetElapsedTime(sent, answered))} after it was sent; probes (times from the answer):\n{trace}");
        Assert.True(seen.Where(p => p.End < sent).All(p => p.Outcome == before), $"before the PATCH every probe must be {before}:\n{trace}");
        // Every probe that started after the answer has the new outcome (a late one would be a rule not yet applied).
        Assert.True(seen.Where(p => p.Start > answered).All(p => p.Outcome == after), $"after the PATCH answer every probe must be {after}:\n{trace}");
        var first = seen.First(p => p.Outcome == after).End;
        return (Stopwatch.GetElapsedTime(answered, first), Stopwatch.GetElapsedTime(sent, answered));
    }

    /// <summary>
    /// True once <paramref name="pid"/> is gone or a zombie (an exiting task drops its namespaces
    /// before it waits to be reaped, and the container's init is reaped by whoever adopted it).
    /// </summary>
    private static async Task<bool> ExitedAsync(int pid)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            try
            {
                var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
                if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z')) return true;
            }
            catch (IOException) { return true; }
            await Task.Delay(20);
        }
        return false;
    }

    private async Task<string> LinksAsync() => (await lab.Host.ShAsync("ip -o link")).EnsureSuccess().Stdout;

    private async Task<JsonElement> NetworkAsync(LabWorkspace workspace) =>
        (await lab.Hearthd.GetAsync($"/workspace/{workspace.Id}/network").Within()).EnsureStatus(HttpStatusCode.OK).Json;

    private static List<string> Strings(JsonElement network, string list) =>
        [.. network.GetProperty(list).EnumerateArray().Select(e => e.GetString()!)];

    private static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0.0} ms";
}
