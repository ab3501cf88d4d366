using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace Hearth.Server.Network.Dns;

internal sealed partial class WorkspaceDnsServer
{
    /// <summary>Queries of one TCP connection answered at once; the connection is read no further until one finishes.</summary>
    private const int MaxQueriesPerConnection = 16;

    private int tcpClients;

    private async Task AcceptTcpAsync(Socket listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue; // the client gave up before accept(2)
            }
            catch (Exception e)
            {
                // EMFILE and the like: go on serving once they pass, without spinning.
                DnsLog.ListenerError(logger, e, "tcp", localEndPoint!);
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
                continue;
            }
            IPAddress client;
            try
            {
                client = ClientAddress(connection.RemoteEndPoint);
            }
            catch (SocketException)
            {
                connection.Dispose(); // reset between accept(2) and getpeername(2)
                continue;
            }
            if (Interlocked.Increment(ref tcpClients) > MaxTcpClients)
            {
                Interlocked.Decrement(ref tcpClients);
                DnsLog.TcpClientLimit(logger, client, MaxTcpClients);
                connection.Dispose();
                continue;
            }
            Track(Task.Run(() => ServeTcpAsync(connection, client, cancellationToken), CancellationToken.None));
        }
    }

    /// <summary>
    /// One client connection: any number of queries, answered concurrently and written back as
    /// each is ready, in any order (RFC 7766 §6.2.1.1). It ends when the client closes its side,
    /// sends nothing for <see cref="TcpIdleTimeout"/> (the answers under way are still sent) or
    /// sends something that is no DNS query (closed at once).
    /// </summary>
    private async Task ServeTcpAsync(Socket socket, IPAddress client, CancellationToken stopping)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(connection.Token);
        using var writeLock = new SemaphoreSlim(1, 1);
        using var slots = new SemaphoreSlim(MaxQueriesPerConnection, MaxQueriesPerConnection);
        var answering = new List<Task>();
        var tcp = new TcpConnection(socket, client, writeLock, slots, idle, connection);
        try
        {
            socket.NoDelay = true;
            while (true)
            {
                idle.CancelAfter(TcpIdleTimeout);
                byte[]? message;
                try
                {
                    message = await DnsTcp.ReadMessageAsync(socket, idle.Token);
                }
                catch (OperationCanceledException) when (!connection.IsCancellationRequested)
                {
                    DnsLog.TcpIdle(logger, client);
                    break;
                }
                if (message is null)
                    break;
                if (!DnsWire.TryParse(message, message.Length, out var query) || !query.IsQuery)
                {
                    DnsLog.MalformedTcpMessage(logger, client);
                    connection.Cancel();
                    break;
                }
                await slots.WaitAsync(connection.Token);
                answering.RemoveAll(t => t.IsCompleted);
                answering.Add(Task.Run(() => AnswerTcpAsync(tcp, query, message), CancellationToken.None));
            }
        }
        catch (EndOfStreamException)
        {
            DnsLog.MalformedTcpMessage(logger, client); // closed inside a message
            connection.Cancel();
        }
        catch (Exception) when (connection.IsCancellationRequested)
        {
        }
        catch (SocketException)
        {
            connection.Cancel(); // reset by the client: nobody to answer
        }
        catch (Exception e)
        {
            DnsLog.QueryFailed(logger, e, client);
            connection.Cancel();
        }
        finally
        {
            // Answers under way are sent unless the connection is being torn down; either way
            // they end before the semaphores and the socket go.
            await Task.WhenAll(answering);
            socket.Dispose();
            Interlocked.Decrement(ref tcpClients);
        }
    }

    private async Task AnswerTcpAsync(TcpConnection tcp, DnsMessage query, byte[] packet)
    {
        var cancellationToken = tcp.Connection.Token;
        try
        {
            var answer = await AnswerAsync(query, packet, tcp.Client, cancellationToken);
            await tcp.WriteLock.WaitAsync(cancellationToken);
            try
            {
                // A client that does not read its answers holds no task forever.
                using var write = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                write.CancelAfter(TcpIdleTimeout);
                await DnsTcp.WriteMessageAsync(tcp.Socket, answer, write.Token);
            }
            finally
            {
                tcp.WriteLock.Release();
            }
            tcp.Idle.CancelAfter(TcpIdleTimeout); // an answer is activity too
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            DnsLog.SendFailed(logger, tcp.Client, "tcp", e is SocketException s ? s.SocketErrorCode.ToString() : "the client reads nothing");
            tcp.Connection.Cancel();
        }
        catch (Exception e)
        {
            DnsLog.QueryFailed(logger, e, tcp.Client);
            tcp.Connection.Cancel();
        }
        finally
        {
            tcp.Slots.Release();
        }
    }

    /// <summary>What the answers of one connection share.</summary>
    private sealed record TcpConnection(Socket Socket, IPAddress Client, SemaphoreSlim WriteLock, SemaphoreSlim Slots,
        CancellationTokenSource Idle, CancellationTokenSource Connection);
}
