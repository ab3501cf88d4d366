using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Hearth.Server.Network.Dns;
using static Hearth.Server.Tests.Network.Dns.DnsTestClient;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>What each workspace may resolve, over real UDP and TCP on loopback, with a real upstream.</summary>
public sealed class WorkspaceDnsServerPolicyTests
{
    [Fact]
    public async Task A_workspace_without_a_hostname_list_gets_the_upstream_answer_as_it_is()
    {
        await using var dns = await DnsHarness.StartAsync();

        var txt = await UdpAsync(dns.EndPoint, Open, Query("api.example.test", RecordType.Txt));
        Assert.Equal(ReturnCode.NoError, txt.ReturnCode);
        Assert.Equal("hello from upstream", Assert.IsType<TxtRecord>(Assert.Single(txt.AnswerRecords)).TextData);

        // Byte for byte what the upstream sent, but for the transaction ID.
        var query = Query("api.example.test", RecordType.Mx);
        using var socket = UdpSocket(Open);
        await socket.SendToAsync(DnsWire.Encode(query), SocketFlags.None, dns.EndPoint);
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(WaitLimit);
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        Assert.Equal(dns.Upstream.LastAnswer.AsSpan(2).ToArray(), buffer.AsSpan(2, length - 2).ToArray());
        Assert.Equal(query.TransactionID, (ushort)(buffer[0] << 8 | buffer[1]));

        // Any name and any type, over TCP too; nothing is admitted for an unrestricted workspace.
        var a = await TcpAsync(dns.EndPoint, Open, Query("other.example.test", RecordType.A));
        Assert.Equal([IPAddress.Parse("192.0.2.20")], Addresses(a));
        var aaaa = await UdpAsync(dns.EndPoint, Open, Query("api.example.test", RecordType.Aaaa));
        Assert.Equal(IPAddress.Parse("2001:db8::10"), Assert.IsType<AaaaRecord>(Assert.Single(aaaa.AnswerRecords)).Address);
        var missing = await UdpAsync(dns.EndPoint, Open, Query("nothing.example.test", RecordType.A));
        Assert.Equal(ReturnCode.NxDomain, missing.ReturnCode);
        Assert.Empty(dns.Policy.Admissions);
    }

    [Fact]
    public async Task An_allowed_name_has_its_addresses_admitted_before_the_answer_is_sent()
    {
        await using var dns = await DnsHarness.StartAsync();
        var admitting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        dns.Policy.OnAdmit = async _ =>
        {
            admitting.TrySetResult();
            await release.Task;
        };
        var query = Query("API.Example.Test", RecordType.A);
        using var socket = UdpSocket(Restricted);

        await socket.SendToAsync(DnsWire.Encode(query), SocketFlags.None, dns.EndPoint);
        await admitting.Task.WaitAsync(WaitLimit);
        var buffer = new byte[65535];
        var receive = socket.ReceiveAsync(buffer, SocketFlags.None);
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        Assert.False(receive.IsCompleted, "the answer left before AdmitAsync returned");
        release.SetResult();
        var answer = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, await receive.WaitAsync(WaitLimit)));
        Assert.Equal(query.TransactionID, answer.TransactionID);

        Assert.Equal(ReturnCode.NoError, answer.ReturnCode);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], Addresses(answer));
        var admission = Assert.Single(dns.Policy.Admissions);
        Assert.Equal(TestZone.Workspace, admission.WorkspaceId);
        Assert.Equal([IPAddress.Parse("192.0.2.10")], admission.Addresses);
        Assert.Equal(TimeSpan.FromSeconds(300), admission.Ttl);
    }

    [Fact]
    public async Task A_name_the_list_does_not_allow_is_NXDOMAIN_for_every_type_and_never_asked_upstream()
    {
        await using var dns = await DnsHarness.StartAsync();

        foreach (var type in new[] { RecordType.A, RecordType.Txt, RecordType.Aaaa, RecordType.Mx })
        {
            var answer = await UdpAsync(dns.EndPoint, Restricted, Query("other.example.test", type));
            Assert.Equal(ReturnCode.NxDomain, answer.ReturnCode);
            Assert.Empty(answer.AnswerRecords);
        }
        // A suffix that is not a label boundary, and the parent of an allowed name.
        Assert.Equal(ReturnCode.NxDomain, (await TcpAsync(dns.EndPoint, Restricted, Query("xapi.example.test", RecordType.A))).ReturnCode);
        Assert.Equal(ReturnCode.NxDomain, (await UdpAsync(dns.EndPoint, Restricted, Query("example.test", RecordType.A))).ReturnCode);
        // Two labels, "api.example" and "test": written with dots it reads like an allowed name.
        var dotted = Query("api.example.test", RecordType.A);
        dotted.Questions = [new DnsQuestion(new DomainName(["api.example", "test"]), RecordType.A, RecordClass.INet)];
        Assert.Equal(ReturnCode.NxDomain, (await UdpAsync(dns.EndPoint, Restricted, dotted)).ReturnCode);
        Assert.Empty(dns.Upstream.Questions);
        Assert.Empty(dns.Policy.Admissions);
    }

    [Fact]
    public async Task A_wildcard_allows_every_name_under_it_but_not_itself()
    {
        await using var dns = await DnsHarness.StartAsync();

        var one = await UdpAsync(dns.EndPoint, Restricted, Query("a.cdn.example.test", RecordType.A));
        var two = await UdpAsync(dns.EndPoint, Restricted, Query("x.y.cdn.example.test", RecordType.A));
        var itself = await UdpAsync(dns.EndPoint, Restricted, Query("cdn.example.test", RecordType.A));

        Assert.Equal([IPAddress.Parse("192.0.2.30")], Addresses(one));
        Assert.Equal([IPAddress.Parse("192.0.2.31")], Addresses(two));
        Assert.Equal(ReturnCode.NxDomain, itself.ReturnCode);
        Assert.Equal(["192.0.2.30", "192.0.2.31"], dns.Policy.Admissions.Select(a => Assert.Single(a.Addresses).ToString()));
    }

    [Fact]
    public async Task AAAA_of_an_allowed_name_is_empty_and_never_asked_upstream()
    {
        await using var dns = await DnsHarness.StartAsync();

        var answer = await UdpAsync(dns.EndPoint, Restricted, Query("api.example.test", RecordType.Aaaa));

        Assert.Equal(ReturnCode.NoError, answer.ReturnCode);
        Assert.Empty(answer.AnswerRecords);
        Assert.Empty(dns.Upstream.Questions);
        // Other types of an allowed name are forwarded.
        var txt = await UdpAsync(dns.EndPoint, Restricted, Query("api.example.test", RecordType.Txt));
        Assert.Equal("hello from upstream", Assert.IsType<TxtRecord>(Assert.Single(txt.AnswerRecords)).TextData);
        Assert.Empty(dns.Policy.Admissions);
    }

    [Fact]
    public async Task A_CNAME_chain_is_followed_and_only_its_addresses_are_admitted_and_answered()
    {
        await using var dns = await DnsHarness.StartAsync();

        var answer = await UdpAsync(dns.EndPoint, Restricted, Query("www.example.test", RecordType.A));

        // The upstream's answer also held evil.example.net A 203.0.113.66, off the chain.
        var admission = Assert.Single(dns.Policy.Admissions);
        Assert.Equal(["198.51.100.1", "198.51.100.2"], admission.Addresses.Select(a => a.ToString()).Order());
        Assert.Equal(TimeSpan.FromSeconds(120), admission.Ttl);
        Assert.Equal(["www.example.test.", "edge.example.net."], answer.AnswerRecords.OfType<CNameRecord>().Select(c => c.Name.ToString()));
        Assert.Equal(["198.51.100.1", "198.51.100.2"], Addresses(answer).Select(a => a.ToString()).Order());
        Assert.Equal(4, answer.AnswerRecords.Count);
        Assert.All(answer.AnswerRecords, r => Assert.InRange(r.TimeToLive, 1, 120));
    }

    [Fact]
    public async Task The_admitted_TTL_is_the_smallest_of_the_answer_but_at_least_a_minute_and_at_most_a_day()
    {
        await using var dns = await DnsHarness.StartAsync();

        var shortTtl = await UdpAsync(dns.EndPoint, Restricted, Query("short.example.test", RecordType.A));
        var longTtl = await UdpAsync(dns.EndPoint, Restricted, Query("long.example.test", RecordType.A));
        var mixed = await UdpAsync(dns.EndPoint, Restricted, Query("mixed.example.test", RecordType.A));

        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromDays(1), TimeSpan.FromSeconds(90)], dns.Policy.Admissions.Select(a => a.Ttl));
        // The workspace never caches an address longer than it is admitted.
        Assert.Equal(5, Assert.Single(shortTtl.AnswerRecords).TimeToLive);
        Assert.Equal(86400, Assert.Single(longTtl.AnswerRecords).TimeToLive);
        Assert.Equal([90, 90], mixed.AnswerRecords.Select(r => r.TimeToLive));
    }

    [Fact]
    public async Task An_address_that_is_no_workspace_is_REFUSED_and_nothing_goes_upstream()
    {
        await using var dns = await DnsHarness.StartAsync();

        var udp = await UdpAsync(dns.EndPoint, Stranger, Query("api.example.test", RecordType.A));
        var tcp = await TcpAsync(dns.EndPoint, Stranger, Query("api.example.test", RecordType.Txt));

        Assert.Equal(ReturnCode.Refused, udp.ReturnCode);
        Assert.Equal(ReturnCode.Refused, tcp.ReturnCode);
        Assert.Empty(udp.AnswerRecords);
        Assert.Empty(dns.Upstream.Questions);
    }

    [Fact]
    public async Task An_upstream_datagram_with_another_id_or_question_is_dropped_and_the_real_answer_taken()
    {
        await using var dns = await DnsHarness.StartAsync();

        var answer = await UdpAsync(dns.EndPoint, Restricted, Query("forged.example.test", RecordType.A));

        Assert.Equal([IPAddress.Parse("192.0.2.70")], Addresses(answer));
        Assert.Equal([IPAddress.Parse("192.0.2.70")], Assert.Single(dns.Policy.Admissions).Addresses);
        Assert.Contains(dns.Logger.Entries, e => e.EventId == 8113);
    }

    [Fact]
    public async Task A_failed_admission_is_SERVFAIL_without_the_addresses()
    {
        await using var dns = await DnsHarness.StartAsync();
        dns.Policy.OnAdmit = _ => throw new InvalidOperationException("nft said no");

        var answer = await UdpAsync(dns.EndPoint, Restricted, Query("api.example.test", RecordType.A));

        Assert.Equal(ReturnCode.ServerFailure, answer.ReturnCode);
        Assert.Empty(answer.AnswerRecords);
        Assert.Contains(dns.Logger.Entries, e => e.EventId == 8109);
    }

    [Fact]
    public async Task A_query_without_exactly_one_question_is_FORMERR_and_another_opcode_NOTIMP()
    {
        await using var dns = await DnsHarness.StartAsync();
        var none = Query("api.example.test", RecordType.A);
        none.Questions = [];
        var two = Query("api.example.test", RecordType.A);
        two.Questions.Add(new DnsQuestion(TestZone.Name("other.example.test"), RecordType.A, RecordClass.INet));
        var notify = Query("api.example.test", RecordType.Soa);
        notify.OperationCode = OperationCode.Notify;

        var noneAnswer = await UdpAsync(dns.EndPoint, Open, none);
        var twoAnswer = await TcpAsync(dns.EndPoint, Open, two);
        var notifyAnswer = await UdpAsync(dns.EndPoint, Open, notify);

        Assert.Equal(ReturnCode.FormatError, noneAnswer.ReturnCode);
        Assert.Equal(ReturnCode.FormatError, twoAnswer.ReturnCode);
        Assert.Equal(ReturnCode.NotImplemented, notifyAnswer.ReturnCode);
        Assert.Empty(dns.Upstream.Questions);
    }
}
