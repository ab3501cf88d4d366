using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using static Hearth.Server.Tests.Network.Dns.DnsTestClient;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>
/// Reaching the upstreams: TCP after a truncated answer, the next server after a dead one,
/// SERVFAIL when none answers. "Dead" is a loopback port nobody listens on (ICMP port
/// unreachable: fails at once) or a bound socket that never answers (fails by the 2 s timeout).
/// </summary>
public sealed class WorkspaceDnsServerUpstreamTests
{
    [Fact]
    public async Task A_truncated_UDP_answer_is_asked_again_over_TCP_with_sockets_from_the_factory()
    {
        await using var dns = await DnsHarness.StartAsync();

        var answer = await UdpAsync(dns.EndPoint, Restricted, Query("tc.example.test", RecordType.A));

        Assert.False(answer.IsTruncated);
        Assert.Equal([IPAddress.Parse("192.0.2.50")], Addresses(answer));
        Assert.Equal((1, 1), (dns.Upstream.UdpQueries, dns.Upstream.TcpQueries));
        Assert.Equal([IPAddress.Parse("192.0.2.50")], Assert.Single(dns.Policy.Admissions).Addresses);
        // Listeners (one UDP, one TCP) and both upstream tries came from the factory.
        Assert.Equal(2, dns.Sockets.Count(SocketType.Dgram));
        Assert.Equal(2, dns.Sockets.Count(SocketType.Stream));
    }

    [Fact]
    public async Task A_silent_first_upstream_costs_one_timeout_then_the_second_answers()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var dns = await DnsHarness.StartAsync(upstreamsBefore: [(IPEndPoint)silent.LocalEndPoint!]);

        var clock = Stopwatch.StartNew();
        var answer = await UdpAsync(dns.EndPoint, Open, Query("api.example.test", RecordType.A));

        Assert.Equal([IPAddress.Parse("192.0.2.10")], Addresses(answer));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(5));
        Assert.True(silent.Available > 0, "the silent upstream was never asked");
    }

    [Fact]
    public async Task An_unreachable_first_upstream_is_skipped_at_once()
    {
        // A timeout this long would fail the test: the refusal must be what moves on.
        await using var dns = await DnsHarness.StartAsync(upstreamsBefore: [ClosedPort()], upstreamUdpTimeout: TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        var answer = await TcpAsync(dns.EndPoint, Restricted, Query("api.example.test", RecordType.A));

        Assert.Equal([IPAddress.Parse("192.0.2.10")], Addresses(answer));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains(dns.Logger.Entries, e => e.EventId == 8107 && e.Message.Contains("ConnectionRefused"));
    }

    [Fact]
    public async Task When_no_upstream_answers_the_answer_is_SERVFAIL_within_a_few_seconds()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var dns = await DnsHarness.StartAsync(upstreamsBefore: [ClosedPort(), (IPEndPoint)silent.LocalEndPoint!], fakeUpstream: false);

        var clock = Stopwatch.StartNew();
        var answer = await UdpAsync(dns.EndPoint, Restricted, Query("api.example.test", RecordType.A));

        Assert.Equal(ReturnCode.ServerFailure, answer.ReturnCode);
        Assert.Empty(answer.AnswerRecords);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(5));
        Assert.Empty(dns.Policy.Admissions);
        Assert.Contains(dns.Logger.Entries, e => e.EventId == 8108);
    }

    /// <summary>A UDP port that was just free on 127.0.0.3, an address no test binds: nothing listens there.</summary>
    private static IPEndPoint ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
        return (IPEndPoint)probe.LocalEndPoint!;
    }
}
