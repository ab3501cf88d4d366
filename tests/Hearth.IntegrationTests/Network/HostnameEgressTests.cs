using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;
using static Hearth.IntegrationTests.Network.NetworkLabFixture;
using static Hearth.IntegrationTests.Network.Probe;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// "The internet" serves a DNS zone (hearthd's upstream) and a listener on three addresses:
/// allowed.test, other.test and a.wild.test. Named may reach allowed.test and *.wild.test;
/// Open has no egress list (the control); Sealed is air-gapped.
/// </summary>
public sealed class HostnameEgressLab : NetworkLabFixture
{
    public const string AllowedAddress = InternetAddress;
    public const string OtherAddress = "203.0.113.20";
    public const string WildAddress = "203.0.113.21";

    public LabWorkspace Named { get; private set; } = null!;
    public LabWorkspace Open { get; private set; } = null!;
    public LabWorkspace Sealed { get; private set; } = null!;
    public LabListener Zone { get; private set; } = null!;

    protected override async Task PopulateAsync()
    {
        foreach (var address in new[] { OtherAddress, WildAddress })
            (await Command.RunAsync("ip", ["-n", Internet.Name, "addr", "add", address + "/32", "dev", "eth0"]).Within()).EnsureSuccess();
        Zone = await ServeDnsAsync($"allowed.test={AllowedAddress}/5", $"other.test={OtherAddress}", $"a.wild.test={WildAddress}");
        Named = await CreateAsync("named", """{"egress":["allowed.test","*.wild.test"]}""");
        Open = await CreateAsync("open");
        Sealed = await CreateAsync("sealed", """{"allow_internet":false}""");
    }
}

/// <summary>
/// Hostname entries of <c>egress</c> (DESIGN §6, issue 4 item 3): only the listed names resolve
/// through the workspace resolver on the gateway, their answers join the workspace's firewall set
/// before the answer is sent, and an address never answered for an allowed name stays blocked.
/// </summary>
public sealed class HostnameEgressTests(HostnameEgressLab lab) : IClassFixture<HostnameEgressLab>
{
    [Fact]
    public async Task An_allowed_name_resolves_and_its_address_opens_only_after_the_lookup()
    {
        // The control: every address serves, for a workspace without an egress list.
        await lab.Open.ExpectAsync(Probe.Open, Tcp(HostnameEgressLab.AllowedAddress, InternetPort), Tcp(HostnameEgressLab.WildAddress, InternetPort));

        await lab.Named.ExpectAsync(Refused, Tcp(HostnameEgressLab.WildAddress, InternetPort)); // not looked up yet
        Assert.Equal(HostnameEgressLab.WildAddress, await LookupAsync(lab.Named, "a.wild.test"));
        // (TCP only: the listener answers UDP from its primary address, which NAT cannot match to .21.)
        await lab.Named.ExpectAsync(Probe.Open, Tcp(HostnameEgressLab.WildAddress, InternetPort));

        Assert.Equal(HostnameEgressLab.AllowedAddress, await LookupAsync(lab.Named, "allowed.test"));
        await lab.Named.ExpectAsync(Probe.Open, Tcp(HostnameEgressLab.AllowedAddress, InternetPort));
        // The zone's 5 s TTL is admitted for the resolver's floor of 60 s.
        var set = await lab.RulesetAsync();
        Assert.Matches($@"(?s)set resolved .*?{lab.Named.Ip} \. {HostnameEgressLab.AllowedAddress} timeout 1m", set);
    }

    [Fact]
    public async Task Another_name_does_not_resolve_and_its_address_stays_refused()
    {
        Assert.Equal(HostnameEgressLab.OtherAddress, await LookupAsync(lab.Open, "other.test")); // the zone answers it
        Assert.Null(await LookupAsync(lab.Named, "other.test"));
        Assert.Null(await LookupAsync(lab.Named, "wild.test")); // *.wild.test is under it, not it
        await lab.Named.ExpectAsync(Refused, Tcp(HostnameEgressLab.OtherAddress, InternetPort), Udp(HostnameEgressLab.OtherAddress, InternetPort));
    }

    [Fact]
    public async Task An_air_gapped_workspace_resolves_nothing()
    {
        var before = lab.Zone.Peers.Count;
        Assert.Null(await LookupAsync(lab.Sealed, "allowed.test"));
        Assert.Null(await LookupAsync(lab.Sealed, "leak-this-secret.other.test"));
        // The control comes last: once the zone has logged its query, anything the sealed
        // workspace's lookups sent would have been logged before it.
        Assert.Equal(HostnameEgressLab.AllowedAddress, await LookupAsync(lab.Open, "allowed.test"));
        var logged = System.Diagnostics.Stopwatch.StartNew();
        while (!lab.Zone.Peers.Skip(before).Any(p => p.EndsWith(" allowed.test", StringComparison.Ordinal)) && logged.Elapsed < TimeSpan.FromSeconds(5))
            await Task.Delay(20);
        // Not one query left the machine for it: a lookup could otherwise carry data out.
        Assert.Equal([$"dns {NetworkLabFixture.UplinkAddress} allowed.test"], lab.Zone.Peers.Skip(before));
    }

    [Fact]
    public async Task Changing_the_names_forgets_what_the_old_ones_admitted()
    {
        var worker = await lab.CreateAsync("worker", """{"egress":["allowed.test"]}""");
        Assert.Equal(HostnameEgressLab.AllowedAddress, await LookupAsync(worker, "allowed.test"));
        await worker.ExpectAsync(Probe.Open, Tcp(HostnameEgressLab.AllowedAddress, InternetPort));

        var patched = await lab.Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{worker.Id}/network", """{"egress":["other.test"]}""").Within();
        patched.EnsureStatus(HttpStatusCode.OK);

        await worker.ExpectAsync(Refused, Tcp(HostnameEgressLab.AllowedAddress, InternetPort));
        Assert.Null(await LookupAsync(worker, "allowed.test"));
        Assert.Equal(HostnameEgressLab.OtherAddress, await LookupAsync(worker, "other.test"));
        await worker.ExpectAsync(Probe.Open, Tcp(HostnameEgressLab.OtherAddress, InternetPort));
    }

    /// <summary>The address busybox nslookup gets through the workspace's resolv.conf (the gateway); null when the name does not resolve.</summary>
    private static async Task<string?> LookupAsync(LabWorkspace workspace, string name)
    {
        var result = await workspace.ShAsync($"nslookup -type=a {name}");
        // busybox prints the server first ("Server: 10.88.0.1", "Address: 10.88.0.1:53"), then the answers.
        var answers = result.Stdout.Split('\n')
            .SkipWhile(line => !line.StartsWith("Name:", StringComparison.Ordinal))
            .Where(line => line.StartsWith("Address:", StringComparison.Ordinal))
            .Select(line => line["Address:".Length..].Trim())
            .ToList();
        Assert.True(result.Stdout.Contains(Gateway, StringComparison.Ordinal) || result.Stderr.Contains(Gateway, StringComparison.Ordinal),
            $"nslookup in {workspace.Label} did not ask the gateway's resolver: {result}");
        return answers.FirstOrDefault();
    }
}
