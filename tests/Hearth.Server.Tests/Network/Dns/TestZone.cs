using System.Net;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Hearth.Server.Network.Dns;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>
/// The upstream's zone (reserved .test/.example names, documentation addresses: nothing here is
/// ever contacted) and the restricted workspace's hostname list.
/// </summary>
internal static class TestZone
{
    public const string Workspace = "ws_restricted";

    public static readonly string[] AllowedNames =
    [
        "api.example.test", "*.cdn.example.test", "www.example.test", "short.example.test", "long.example.test",
        "mixed.example.test", "tc.example.test", "forged.example.test", "slow.example.test", "big.example.test",
    ];

    public static DnsRecordBase[] Records()
    {
        List<DnsRecordBase> records =
        [
            A("api.example.test", 300, "192.0.2.10"),
            new AaaaRecord(Name("api.example.test"), 300, IPAddress.Parse("2001:db8::10")),
            new TxtRecord(Name("api.example.test"), 300, "hello from upstream"),
            new MxRecord(Name("api.example.test"), 300, 10, Name("mail.example.test")),
            A("other.example.test", 300, "192.0.2.20"),
            A("a.cdn.example.test", 300, "192.0.2.30"),
            A("x.y.cdn.example.test", 300, "192.0.2.31"),
            A("cdn.example.test", 300, "192.0.2.32"),
            new CNameRecord(Name("www.example.test"), 3600, Name("edge.example.net")),
            new CNameRecord(Name("edge.example.net"), 600, Name("edge2.example.net")),
            A("edge2.example.net", 900, "198.51.100.1"),
            A("edge2.example.net", 120, "198.51.100.2"),
            A("short.example.test", 5, "192.0.2.40"),
            A("long.example.test", 2 * 86400, "192.0.2.41"),
            A("mixed.example.test", 300, "192.0.2.42"),
            A("mixed.example.test", 90, "192.0.2.43"),
            A("tc.example.test", 300, "192.0.2.50"),
            A("slow.example.test", 300, "192.0.2.60"),
            A("forged.example.test", 300, "192.0.2.70"),
            // ~2 KB of TXT: more than a client without EDNS takes over UDP.
            new TxtRecord(Name("big.example.test"), 300, Enumerable.Range(0, 20).Select(i => $"{i:00}-" + new string('x', 96))),
        ];
        for (var i = 0; i < 50; i++)
            records.Add(A($"n{i}.fast.example.test", 300, $"198.51.100.{100 + i}"));
        return [.. records];
    }

    public static Dictionary<string, FakeUpstream.Rule> Rules() => new()
    {
        ["tc.example.test"] = new() { TruncateOverUdp = true },
        ["slow.example.test"] = new() { Held = true },
        ["forged.example.test"] = new() { ForgeFirst = true },
        ["www.example.test"] = new() { Extra = [A("evil.example.net", 300, "203.0.113.66")] },
    };

    public static TestPolicy Policy()
    {
        var policy = new TestPolicy();
        var allowed = AllowedNames.Select(n => HostnamePattern.TryParse(n, out var p) ? p : throw new ArgumentException(n)).ToArray();
        policy.Workspaces[DnsTestClient.Restricted] = new DnsClientPolicy(Workspace, allowed);
        policy.Workspaces[DnsTestClient.Open] = new DnsClientPolicy("ws_open", null);
        return policy;
    }

    public static DomainName Name(string name) => DomainName.Parse(name);

    private static ARecord A(string name, int ttl, string address) => new(Name(name), ttl, IPAddress.Parse(address));
}
