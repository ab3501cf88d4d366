using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Hearth.Server.Network.Dns;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>A stub resolver with real sockets from a chosen loopback source address, and the addresses the tests use.</summary>
internal static class DnsTestClient
{
    /// <summary>Bounds every wait of a test.</summary>
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    public static readonly IPAddress ServerAddress = IPAddress.Parse("127.0.0.2");
    /// <summary>A workspace with a hostname list.</summary>
    public static readonly IPAddress Restricted = IPAddress.Parse("127.0.0.10");
    /// <summary>A workspace without one.</summary>
    public static readonly IPAddress Open = IPAddress.Parse("127.0.0.11");
    /// <summary>No workspace.</summary>
    public static readonly IPAddress Stranger = IPAddress.Parse("127.0.0.12");

    public static DnsMessage Query(string name, RecordType type, bool edns = false)
    {
        var query = new DnsMessage
        {
            TransactionID = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1),
            IsRecursionDesired = true,
            Questions = [new DnsQuestion(DomainName.Parse(name), type, RecordClass.INet)],
        };
        if (edns)
            query.EDnsOptions = new OptRecord(4096);
        return query;
    }

    public static Socket UdpSocket(IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(from, 0));
        return socket;
    }

    public static async Task<DnsMessage> UdpAsync(IPEndPoint server, IPAddress from, DnsMessage query)
    {
        using var socket = UdpSocket(from);
        await socket.SendToAsync(DnsWire.Encode(query), SocketFlags.None, server);
        return await ReceiveAsync(socket, query);
    }

    /// <summary>The answer to <paramref name="query"/> on <paramref name="socket"/>, checked to be one.</summary>
    public static async Task<DnsMessage> ReceiveAsync(Socket socket, DnsMessage query)
    {
        var buffer = new byte[65535];
        using var timeout = new CancellationTokenSource(WaitLimit);
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        var answer = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, length));
        AssertAnswers(query, answer);
        return answer;
    }

    public static async Task<DnsMessage> TcpAsync(IPEndPoint server, IPAddress from, DnsMessage query)
    {
        using var socket = await ConnectAsync(server, from);
        await SendAsync(socket, query);
        var answer = await ReadAsync(socket);
        AssertAnswers(query, answer);
        return answer;
    }

    public static async Task<Socket> ConnectAsync(IPEndPoint server, IPAddress from)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(from, 0));
        using var timeout = new CancellationTokenSource(WaitLimit);
        await socket.ConnectAsync(server, timeout.Token);
        return socket;
    }

    public static async Task SendAsync(Socket socket, DnsMessage query)
    {
        using var timeout = new CancellationTokenSource(WaitLimit);
        await DnsTcp.WriteMessageAsync(socket, DnsWire.Encode(query), timeout.Token);
    }

    public static async Task<DnsMessage> ReadAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(WaitLimit);
        var message = await DnsTcp.ReadMessageAsync(socket, timeout.Token) ?? throw new EndOfStreamException("the resolver closed the connection");
        return DnsMessage.Parse(message);
    }

    /// <summary>True when the peer closes the connection within <paramref name="within"/> (reading and discarding anything before).</summary>
    public static async Task<bool> ClosedWithinAsync(Socket socket, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    public static IPAddress[] Addresses(DnsMessage answer) =>
        [.. answer.AnswerRecords.OfType<ARecord>().Select(a => a.Address)];

    private static void AssertAnswers(DnsMessage query, DnsMessage answer)
    {
        Assert.False(answer.IsQuery);
        Assert.Equal(query.TransactionID, answer.TransactionID);
        Assert.Equal(query.Questions, answer.Questions);
    }
}
