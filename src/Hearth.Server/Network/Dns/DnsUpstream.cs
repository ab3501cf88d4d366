using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ARSoft.Tools.Net.Dns;

namespace Hearth.Server.Network.Dns;

/// <summary>
/// Forwards a query to the host's resolvers: each in order, over UDP, and over TCP when the UDP
/// answer is truncated (RFC 7766 §5). Every try has its own socket from the factory, so a reply
/// can only reach the query that was sent from that socket: with a random transaction ID and
/// the kernel's random source port (RFC 5452 §4, §9.2), and a reply whose ID or question differ
/// dropped, concurrent queries cannot take each other's answers and an off-path forger has to
/// guess both.
/// </summary>
internal sealed class DnsUpstream
{
    private readonly IPEndPoint[] servers;
    private readonly Func<AddressFamily, SocketType, ProtocolType, Socket> socketFactory;
    private readonly TimeSpan udpTimeout;
    private readonly TimeSpan tcpTimeout;
    private readonly ILogger logger;

    public DnsUpstream(IEnumerable<IPEndPoint> servers, Func<AddressFamily, SocketType, ProtocolType, Socket> socketFactory,
        TimeSpan udpTimeout, TimeSpan tcpTimeout, ILogger logger)
    {
        this.servers = [.. servers];
        this.socketFactory = socketFactory;
        this.udpTimeout = udpTimeout;
        this.tcpTimeout = tcpTimeout;
        this.logger = logger;
    }

    /// <summary>
    /// Sends <paramref name="query"/> (the client's message, unchanged but for its ID) to each
    /// server in turn until one answers <paramref name="question"/>; null when none did. A server
    /// that times out, is unreachable or answers SERVFAIL or REFUSED counts as failed, as
    /// resolv.conf(5)'s stub resolver counts it.
    /// </summary>
    public async Task<DnsUpstreamAnswer?> QueryAsync(ReadOnlyMemory<byte> query, DnsQuestion question, CancellationToken cancellationToken)
    {
        foreach (var server in servers)
        {
            var answer = await QueryUdpAsync(server, query, question, cancellationToken);
            if (answer is { Message.IsTruncated: true })
                answer = await QueryTcpAsync(server, query, question, cancellationToken);
            if (answer is null)
                continue;
            if (answer.Message.ReturnCode is ReturnCode.ServerFailure or ReturnCode.Refused)
            {
                DnsLog.UpstreamFailed(logger, server, "answer", question.Name.ToString(), answer.Message.ReturnCode.ToString());
                continue;
            }
            return answer;
        }
        return null;
    }

    private async Task<DnsUpstreamAnswer?> QueryUdpAsync(IPEndPoint server, ReadOnlyMemory<byte> query, DnsQuestion question, CancellationToken cancellationToken)
    {
        var id = NewTransactionId();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(udpTimeout);
        var buffer = ArrayPool<byte>.Shared.Rent(DnsWire.MaxMessageLength);
        try
        {
            // Connected: the kernel only delivers datagrams from this server, and its ICMP port
            // unreachable comes back as ECONNREFUSED instead of a timeout (udp(7)).
            using var socket = socketFactory(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            await socket.ConnectAsync(server, timeout.Token);
            await socket.SendAsync(DnsWire.WithTransactionId(query.Span, id), SocketFlags.None, timeout.Token);
            while (true)
            {
                var length = await socket.ReceiveAsync(buffer.AsMemory(0, DnsWire.MaxMessageLength), SocketFlags.None, timeout.Token);
                if (TryReadAnswer(buffer, length, id, question, out var answer))
                    return answer;
                DnsLog.UpstreamReplyDropped(logger, server);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            DnsLog.UpstreamFailed(logger, server, "udp", question.Name.ToString(), $"no answer within {udpTimeout.TotalSeconds:0.###} s");
            return null;
        }
        catch (SocketException e)
        {
            DnsLog.UpstreamFailed(logger, server, "udp", question.Name.ToString(), e.SocketErrorCode.ToString());
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<DnsUpstreamAnswer?> QueryTcpAsync(IPEndPoint server, ReadOnlyMemory<byte> query, DnsQuestion question, CancellationToken cancellationToken)
    {
        var id = NewTransactionId();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(tcpTimeout);
        try
        {
            using var socket = socketFactory(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.NoDelay = true;
            await socket.ConnectAsync(server, timeout.Token);
            await DnsTcp.WriteMessageAsync(socket, DnsWire.WithTransactionId(query.Span, id), timeout.Token);
            // One query per connection: anything but its answer means the server is broken.
            var reply = await DnsTcp.ReadMessageAsync(socket, timeout.Token);
            if (reply is not null && TryReadAnswer(reply, reply.Length, id, question, out var answer))
                return answer;
            DnsLog.UpstreamFailed(logger, server, "tcp", question.Name.ToString(), reply is null ? "closed without answering" : "an answer to another query, or malformed");
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            DnsLog.UpstreamFailed(logger, server, "tcp", question.Name.ToString(), $"no answer within {tcpTimeout.TotalSeconds:0.###} s");
            return null;
        }
        catch (Exception e) when (e is SocketException or EndOfStreamException)
        {
            DnsLog.UpstreamFailed(logger, server, "tcp", question.Name.ToString(), e is SocketException s ? s.SocketErrorCode.ToString() : "closed inside the answer");
            return null;
        }
    }

    /// <summary>True when the bytes are a well-formed response with our ID to exactly our question.</summary>
    private static bool TryReadAnswer(byte[] data, int length, ushort id, DnsQuestion question, out DnsUpstreamAnswer answer)
    {
        answer = null!;
        if (!DnsWire.TryParse(data, length, out var message)
            || message.IsQuery
            || message.TransactionID != id
            || message.Questions.Count != 1)
            return false;
        var asked = message.Questions[0];
        if (asked.RecordType != question.RecordType || asked.RecordClass != question.RecordClass || !asked.Name.Equals(question.Name))
            return false;
        answer = new DnsUpstreamAnswer(data.AsSpan(0, length).ToArray(), message);
        return true;
    }

    private static ushort NewTransactionId() => (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
}
