using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;
using Hearth.Runtime;
using Hearth.Server.Network.Dns;
using Microsoft.Extensions.Logging.Abstractions;
using static Hearth.Server.Tests.Network.Dns.DnsTestClient;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>UDP and TCP as clients use them and abuse them: garbage, concurrency, pipelining, idle and crowded connections, big answers.</summary>
public sealed class WorkspaceDnsServerTransportTests
{
    [Fact]
    public async Task Malformed_datagrams_are_dropped_and_the_server_goes_on()
    {
        await using var dns = await DnsHarness.StartAsync();
        using var socket = UdpSocket(Open);
        var response = DnsWire.Encode(Query("api.example.test", RecordType.A).CreateResponseInstance());
        var cutShort = DnsWire.Encode(Query("api.example.test", RecordType.A))[..20];
        byte[][] garbage =
        [
            [],
            [0x12, 0x34, 0x01],
            [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37))],
            response, // QR set: not a query
            cutShort, // says one question, holds half of it
            Pointers(), // a name made of compression pointers to itself
        ];

        foreach (var packet in garbage)
            await socket.SendToAsync(packet, SocketFlags.None, dns.EndPoint);
        var query = Query("api.example.test", RecordType.Txt);
        await socket.SendToAsync(DnsWire.Encode(query), SocketFlags.None, dns.EndPoint);

        // The first datagram back answers the good query: none of the garbage got an answer.
        var answer = await ReceiveAsync(socket, query);
        Assert.Equal("hello from upstream", Assert.IsType<TxtRecord>(Assert.Single(answer.AnswerRecords)).TextData);
        await WaitForAsync(() => Task.FromResult<object?>(dns.Logger.Entries.Count(e => e.EventId == 8103) == garbage.Length ? "" : null));
        Assert.Equal(1, dns.Upstream.UdpQueries);
    }

    [Fact]
    public async Task A_malformed_TCP_message_closes_its_connection_and_no_other()
    {
        await using var dns = await DnsHarness.StartAsync();
        using var good = await ConnectAsync(dns.EndPoint, Open);
        using var garbage = await ConnectAsync(dns.EndPoint, Open);
        using var cutShort = await ConnectAsync(dns.EndPoint, Open);

        await garbage.SendAsync(DnsWire.Frame([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]), SocketFlags.None);
        var prefix = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(prefix, 100);
        await cutShort.SendAsync(prefix.Concat(new byte[10]).ToArray(), SocketFlags.None);
        cutShort.Shutdown(SocketShutdown.Send); // closed inside the message

        Assert.True(await ClosedWithinAsync(garbage, TimeSpan.FromSeconds(5)), "the connection with garbage stays open");
        Assert.True(await ClosedWithinAsync(cutShort, TimeSpan.FromSeconds(5)), "the connection closed inside a message stays open");
        var query = Query("api.example.test", RecordType.A);
        await SendAsync(good, query);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], Addresses(await ReadAsync(good)));
        Assert.Equal(2, dns.Logger.Entries.Count(e => e.EventId == 8104));
    }

    [Fact]
    public async Task Fifty_concurrent_queries_each_get_their_own_answer_while_a_slow_one_waits()
    {
        // The slow query's upstream answer is held until the fifty are answered.
        await using var dns = await DnsHarness.StartAsync(upstreamUdpTimeout: TimeSpan.FromSeconds(30));
        var slow = UdpAsync(dns.EndPoint, Restricted, Query("slow.example.test", RecordType.A));
        await WaitForAsync(() => Task.FromResult<object?>(dns.Upstream.UdpQueries == 1 ? "" : null));

        var fast = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => i % 5 == 0
            ? TcpAsync(dns.EndPoint, Open, Query($"n{i}.fast.example.test", RecordType.A))
            : UdpAsync(dns.EndPoint, Open, Query($"n{i}.fast.example.test", RecordType.A))));

        Assert.False(slow.IsCompleted, "the slow query was answered before its upstream answer was released");
        for (var i = 0; i < 50; i++)
            Assert.Equal([IPAddress.Parse($"198.51.100.{100 + i}")], Addresses(fast[i]));
        dns.Upstream.Release.SetResult();
        Assert.Equal([IPAddress.Parse("192.0.2.60")], Addresses(await slow.WaitAsync(WaitLimit)));
    }

    [Fact]
    public async Task One_TCP_connection_carries_several_queries_answered_as_each_is_ready()
    {
        await using var dns = await DnsHarness.StartAsync(upstreamUdpTimeout: TimeSpan.FromSeconds(30));
        using var connection = await ConnectAsync(dns.EndPoint, Restricted);
        var slow = Query("slow.example.test", RecordType.A);
        var fast = Query("api.example.test", RecordType.A);
        var refused = Query("other.example.test", RecordType.A);

        await SendAsync(connection, slow);
        await SendAsync(connection, fast);
        await SendAsync(connection, refused);
        DnsMessage[] first = [await ReadAsync(connection), await ReadAsync(connection)];
        dns.Upstream.Release.SetResult();
        var last = await ReadAsync(connection);

        // The two later queries are answered while the first one waits, on the same connection.
        Assert.Equal([IPAddress.Parse("192.0.2.10")], Addresses(Assert.Single(first, a => a.TransactionID == fast.TransactionID)));
        Assert.Equal(ReturnCode.NxDomain, Assert.Single(first, a => a.TransactionID == refused.TransactionID).ReturnCode);
        Assert.Equal(slow.TransactionID, last.TransactionID);
        Assert.Equal([IPAddress.Parse("192.0.2.60")], Addresses(last));
    }

    [Fact]
    public async Task An_idle_TCP_connection_is_closed_after_the_idle_timeout()
    {
        // 3 s, not the real 10: long enough that a loaded machine stalling this process for a
        // second or two does not make the busy connection look idle.
        await using var dns = await DnsHarness.StartAsync(tcpIdleTimeout: TimeSpan.FromSeconds(3));
        using var idle = await ConnectAsync(dns.EndPoint, Open);
        using var busy = await ConnectAsync(dns.EndPoint, Open);

        var clock = Stopwatch.StartNew();
        // A query every 200 ms keeps a connection open past the timeout.
        while (clock.Elapsed < TimeSpan.FromSeconds(4))
        {
            await SendAsync(busy, Query("api.example.test", RecordType.A));
            Assert.Equal([IPAddress.Parse("192.0.2.10")], Addresses(await ReadAsync(busy)));
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        Assert.True(await ClosedWithinAsync(idle, TimeSpan.FromSeconds(5)), "the idle connection stays open");
        await SendAsync(busy, Query("api.example.test", RecordType.A));
        Assert.Equal([IPAddress.Parse("192.0.2.10")], Addresses(await ReadAsync(busy)));
        Assert.Contains(dns.Logger.Entries, e => e.EventId == 8115);
    }

    [Fact]
    public async Task TCP_clients_beyond_the_limit_are_closed_at_once_and_a_freed_place_is_taken_again()
    {
        await using var dns = await DnsHarness.StartAsync(maxTcpClients: 2);
        var first = await ConnectAsync(dns.EndPoint, Open);
        using var second = await ConnectAsync(dns.EndPoint, Open);
        await SendAsync(first, Query("api.example.test", RecordType.A));
        await SendAsync(second, Query("api.example.test", RecordType.A));
        await ReadAsync(first);
        await ReadAsync(second); // both are being served

        using (var third = await ConnectAsync(dns.EndPoint, Open))
            Assert.True(await ClosedWithinAsync(third, TimeSpan.FromSeconds(5)), "a third client was kept");
        first.Dispose();

        var answer = await WaitForAsync(async () =>
        {
            try
            {
                return await TcpAsync(dns.EndPoint, Open, Query("api.example.test", RecordType.A));
            }
            catch (Exception e) when (e is EndOfStreamException or SocketException)
            {
                return null; // the server has not seen the first one go yet
            }
        });
        Assert.Equal([IPAddress.Parse("192.0.2.10")], Addresses(answer));
        Assert.Contains(dns.Logger.Entries, e => e.EventId == 8110);
    }

    [Fact]
    public async Task An_answer_too_big_for_the_client_comes_truncated_over_UDP_and_whole_over_TCP()
    {
        await using var dns = await DnsHarness.StartAsync();

        var classic = await UdpAsync(dns.EndPoint, Restricted, Query("big.example.test", RecordType.Txt));
        var edns = await UdpAsync(dns.EndPoint, Restricted, Query("big.example.test", RecordType.Txt, edns: true));
        var tcp = await TcpAsync(dns.EndPoint, Restricted, Query("big.example.test", RecordType.Txt));

        Assert.True(classic.IsTruncated);
        Assert.Empty(classic.AnswerRecords);
        Assert.False(edns.IsTruncated);
        Assert.Equal(20, Assert.IsType<TxtRecord>(Assert.Single(edns.AnswerRecords)).TextParts.Count());
        Assert.False(tcp.IsTruncated);
        Assert.Equal(20, Assert.IsType<TxtRecord>(Assert.Single(tcp.AnswerRecords)).TextParts.Count());
    }

    [Fact]
    public async Task Starting_on_an_address_in_use_fails_with_a_clear_error_and_the_first_server_goes_on()
    {
        await using var dns = await DnsHarness.StartAsync();
        await using var second = new WorkspaceDnsServer(dns.EndPoint, [dns.Upstream.EndPoint], dns.Policy,
            (family, type, protocol) => new Socket(family, type, protocol), NullLogger<WorkspaceDnsServer>.Instance);

        var error = await Assert.ThrowsAsync<RuntimeException>(() => second.StartAsync());

        Assert.Equal("dns_address_in_use", error.Code);
        Assert.Contains(dns.EndPoint.ToString(), error.Message);
        Assert.Contains("udp", error.Message);
        var answer = await UdpAsync(dns.EndPoint, Open, Query("api.example.test", RecordType.A));
        Assert.Equal([IPAddress.Parse("192.0.2.10")], Addresses(answer));
    }

    [Fact]
    public async Task Stopping_closes_the_listeners_and_open_connections()
    {
        var dns = await DnsHarness.StartAsync();
        var endpoint = dns.EndPoint;
        using var connection = await ConnectAsync(endpoint, Open);
        await SendAsync(connection, Query("api.example.test", RecordType.A));
        await ReadAsync(connection);

        await dns.DisposeAsync().AsTask().WaitAsync(WaitLimit);

        Assert.True(await ClosedWithinAsync(connection, TimeSpan.FromSeconds(5)), "a connection outlived the resolver");
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(endpoint); // the port is free again
    }

    /// <summary>A query whose name is a compression pointer to itself (RFC 1035 §4.1.4 loops).</summary>
    private static byte[] Pointers()
    {
        var packet = new byte[DnsWire.HeaderLength + 2 + 4];
        packet[5] = 1; // QDCOUNT
        packet[DnsWire.HeaderLength] = 0xC0;
        packet[DnsWire.HeaderLength + 1] = DnsWire.HeaderLength;
        return packet;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> attempt) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await attempt() is { } result)
                return result;
            Assert.True(clock.Elapsed < WaitLimit, "gave up waiting");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
