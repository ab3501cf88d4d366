using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace Hearth.Server.Network.Dns;

internal sealed partial class WorkspaceDnsServer
{
    private int pendingUdpQueries;

    private async Task ReceiveUdpAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(DnsWire.MaxMessageLength);
        EndPoint anyone = new IPEndPoint(listen.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, anyone, cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Nothing a client sends makes recvfrom(2) fail on an unconnected socket; whatever
                // did, go on serving, without spinning.
                DnsLog.ListenerError(logger, e, "udp", localEndPoint!);
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                continue;
            }
            var client = (IPEndPoint)received.RemoteEndPoint;
            if (Interlocked.Increment(ref pendingUdpQueries) > MaxPendingUdpQueries)
            {
                Interlocked.Decrement(ref pendingUdpQueries);
                DnsLog.UdpQueryLimit(logger, client.Address, MaxPendingUdpQueries);
                continue;
            }
            var packet = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            Track(Task.Run(() => AnswerUdpAsync(socket, packet, client, cancellationToken), CancellationToken.None));
        }
    }

    private async Task AnswerUdpAsync(Socket socket, byte[] packet, IPEndPoint client, CancellationToken cancellationToken)
    {
        var address = ClientAddress(client);
        try
        {
            if (!DnsWire.TryParse(packet, packet.Length, out var query) || !query.IsQuery)
            {
                DnsLog.MalformedDatagram(logger, address, packet.Length);
                return;
            }
            var answer = await AnswerAsync(query, packet, address, cancellationToken);
            if (answer.Length > UdpLimit(query))
                answer = Truncated(query);
            await socket.SendToAsync(answer, SocketFlags.None, client, cancellationToken);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (SocketException e)
        {
            DnsLog.SendFailed(logger, address, "udp", e.SocketErrorCode.ToString());
        }
        catch (Exception e)
        {
            DnsLog.QueryFailed(logger, e, address);
        }
        finally
        {
            Interlocked.Decrement(ref pendingUdpQueries);
        }
    }

    /// <summary>The largest UDP answer the client takes: 512 bytes, or what its EDNS record says (RFC 6891 §6.2.5).</summary>
    private static int UdpLimit(DnsMessage query) =>
        query.EDnsOptions is { } edns ? Math.Max(edns.UdpPayloadSize, (ushort)DnsWire.ClassicUdpLimit) : DnsWire.ClassicUdpLimit;

    /// <summary>An empty answer with TC set: the client asks again over TCP (RFC 7766 §5).</summary>
    private static byte[] Truncated(DnsMessage query)
    {
        var reply = query.CreateResponseInstance();
        reply.IsRecursionAllowed = true;
        reply.IsTruncated = true;
        return DnsWire.Encode(reply);
    }
}
