using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Hearth.Runtime;

namespace Hearth.Server.Network.Dns;

/// <summary>
/// The DNS forwarder that workspaces' /etc/resolv.conf points at, on their gateway address (UDP
/// and TCP). The source address of a query says which workspace asks (the veth anti-spoofing
/// rules guarantee it); <see cref="IDnsPolicy"/> says what that workspace may resolve:
/// <list type="bullet">
/// <item>no workspace at that address: REFUSED;</item>
/// <item>no hostname list: the query goes upstream as it is and the answer comes back as it is;</item>
/// <item>a hostname list: a name it does not allow is NXDOMAIN, AAAA is empty (workspaces have no
/// IPv6), A is forwarded and its addresses (at the end of the answer's CNAME chain) are admitted
/// through <see cref="IDnsPolicy.AdmitAsync"/> before the answer, rebuilt with just that chain and
/// no TTL above the admitted one, is sent; other types are forwarded.</item>
/// </list>
/// </summary>
/// <remarks>
/// Every socket, listeners and upstream ones alike, comes from the socket factory, which may
/// create it in another network namespace; accepted TCP connections are the listener's. Each
/// query is answered on its own task, so a slow upstream for one never delays another, and
/// nothing a client sends can end the receive loops: a malformed datagram is dropped, a
/// malformed TCP message closes its connection.
/// </remarks>
internal sealed partial class WorkspaceDnsServer : IAsyncDisposable
{
    private const int MinAdmitSeconds = 60;
    private const int MaxAdmitSeconds = 24 * 60 * 60;
    private const int MaxCnameChain = 16;

    private readonly IPEndPoint listen;
    private readonly IPEndPoint[] upstreams;
    private readonly IDnsPolicy policy;
    private readonly Func<AddressFamily, SocketType, ProtocolType, Socket> socketFactory;
    private readonly ILogger<WorkspaceDnsServer> logger;
    private readonly CancellationTokenSource stopping = new();
    // Query handlers and TCP connections, awaited by DisposeAsync.
    private readonly ConcurrentDictionary<Task, byte> running = new();
    private DnsUpstream? upstream;
    private Socket? udp;
    private Socket? tcp;
    private Task udpLoop = Task.CompletedTask;
    private Task acceptLoop = Task.CompletedTask;
    private IPEndPoint? localEndPoint;
    private int state; // 0 new, 1 started, 2 disposed

    /// <param name="listen">The gateway address and port (53); port 0 lets the kernel choose one for UDP, and TCP takes the same.</param>
    /// <param name="upstreams">The host's resolvers, tried in this order.</param>
    /// <param name="policy">Which workspace an address is, and what it may resolve.</param>
    /// <param name="socketFactory">Creates every socket the resolver uses (hearthd's creates them in the workspaces' network namespace).</param>
    /// <param name="logger">Event ids 8101-8199.</param>
    public WorkspaceDnsServer(IPEndPoint listen, IReadOnlyList<IPEndPoint> upstreams, IDnsPolicy policy,
        Func<AddressFamily, SocketType, ProtocolType, Socket> socketFactory, ILogger<WorkspaceDnsServer> logger)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(upstreams);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(socketFactory);
        ArgumentNullException.ThrowIfNull(logger);
        if (upstreams.Count == 0)
            throw new ArgumentException("the workspace resolver needs at least one upstream server", nameof(upstreams));
        this.listen = listen;
        this.upstreams = [.. upstreams];
        this.policy = policy;
        this.socketFactory = socketFactory;
        this.logger = logger;
    }

    /// <summary>How long one UDP try at one upstream waits for its answer.</summary>
    public TimeSpan UpstreamUdpTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the TCP retry of a truncated answer may take, connect included.</summary>
    public TimeSpan UpstreamTcpTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>A TCP client that sends nothing for this long is disconnected (RFC 7766 §6.2.3).</summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>TCP clients beyond this many are disconnected as soon as they connect.</summary>
    public int MaxTcpClients { get; init; } = 64;

    /// <summary>UDP queries beyond this many being answered at once are dropped (the client retries).</summary>
    public int MaxPendingUdpQueries { get; init; } = 512;

    /// <summary>The address and port the resolver answers on, known once <see cref="StartAsync"/> returned.</summary>
    public IPEndPoint LocalEndPoint => localEndPoint ?? throw new InvalidOperationException("the workspace resolver is not started");

    /// <summary>
    /// Binds UDP and TCP on the listen address and starts answering. Throws a
    /// <see cref="RuntimeException"/> with code <c>dns_address_in_use</c> when another socket
    /// holds the address, or <c>dns_listen_failed</c> for any other reason it cannot bind.
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.CompareExchange(ref state, 1, 0) != 0)
            throw new InvalidOperationException("the workspace resolver was started already, or disposed");
        try
        {
            (udp, tcp) = Bind();
        }
        catch
        {
            state = 0;
            throw;
        }
        localEndPoint = (IPEndPoint)udp.LocalEndPoint!;
        upstream = new DnsUpstream(upstreams, socketFactory, UpstreamUdpTimeout, UpstreamTcpTimeout, logger);
        var token = stopping.Token;
        udpLoop = Task.Run(() => ReceiveUdpAsync(udp, token), CancellationToken.None);
        acceptLoop = Task.Run(() => AcceptTcpAsync(tcp, token), CancellationToken.None);
        DnsLog.Listening(logger, localEndPoint, string.Join(", ", upstreams.Select(u => u.ToString())));
        return Task.CompletedTask;
    }

    /// <summary>Stops listening, ends every TCP connection and waits for the queries being answered.</summary>
    public async ValueTask DisposeAsync()
    {
        var was = Interlocked.Exchange(ref state, 2);
        if (was == 2)
            return;
        stopping.Cancel();
        udp?.Dispose();
        tcp?.Dispose();
        await Task.WhenAll(udpLoop, acceptLoop);
        await Task.WhenAll(running.Keys);
        stopping.Dispose();
        if (was == 1)
            DnsLog.Stopped(logger, localEndPoint!);
    }

    private (Socket Udp, Socket Tcp) Bind()
    {
        // With port 0 the kernel picks the UDP port and TCP must take the same one, which another
        // socket may hold: a few tries then. A fixed port that is taken fails at once.
        for (var attempt = 1; ; attempt++)
        {
            Socket? udpSocket = null, tcpSocket = null;
            try
            {
                udpSocket = socketFactory(listen.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                BindOrThrow(udpSocket, listen, "udp");
                var bound = new IPEndPoint(listen.Address, ((IPEndPoint)udpSocket.LocalEndPoint!).Port);
                tcpSocket = socketFactory(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                BindOrThrow(tcpSocket, bound, "tcp");
                tcpSocket.Listen(MaxTcpClients);
                return (udpSocket, tcpSocket);
            }
            catch (RuntimeException e) when (listen.Port == 0 && e.Code == "dns_address_in_use" && attempt < 5)
            {
                udpSocket?.Dispose();
                tcpSocket?.Dispose();
            }
            catch
            {
                udpSocket?.Dispose();
                tcpSocket?.Dispose();
                throw;
            }
        }
    }

    private static void BindOrThrow(Socket socket, IPEndPoint endpoint, string transport)
    {
        try
        {
            socket.Bind(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new RuntimeException("dns_address_in_use",
                $"the workspace DNS resolver cannot listen on {endpoint} ({transport}): another socket holds that address (a DNS server such as dnsmasq or systemd-resolved?)", e);
        }
        catch (SocketException e)
        {
            throw new RuntimeException("dns_listen_failed",
                $"the workspace DNS resolver cannot listen on {endpoint} ({transport}): {e.Message} ({e.SocketErrorCode})", e);
        }
    }

    /// <summary>
    /// The answer to one parsed query, always a message to send (REFUSED, NXDOMAIN, SERVFAIL
    /// included); <paramref name="packet"/> is the query as the client sent it, forwarded
    /// unchanged but for its transaction ID.
    /// </summary>
    private async Task<byte[]> AnswerAsync(DnsMessage query, byte[] packet, IPAddress client, CancellationToken cancellationToken)
    {
        if (query.OperationCode != OperationCode.Query)
            return Reply(query, ReturnCode.NotImplemented);
        if (query.Questions.Count != 1)
            return Reply(query, ReturnCode.FormatError); // RFC 9619: QDCOUNT is 1
        var workspace = policy.Find(client);
        if (workspace is null)
        {
            DnsLog.Refused(logger, client);
            return Reply(query, ReturnCode.Refused);
        }
        var question = query.Questions[0];
        if (workspace.AllowedNames is { } allowed)
        {
            if (!IsAllowed(allowed, question.Name))
            {
                DnsLog.NameNotAllowed(logger, workspace.WorkspaceId, question.Name.ToString());
                return Reply(query, ReturnCode.NxDomain);
            }
            if (question.RecordType == RecordType.Aaaa)
                return Reply(query, ReturnCode.NoError);
            if (question.RecordType == RecordType.A && question.RecordClass == RecordClass.INet)
                return await ForwardAndAdmitAsync(workspace, query, packet, question, cancellationToken);
        }
        var answer = await upstream!.QueryAsync(packet, question, cancellationToken);
        return answer is null ? ServerFailure(query, question) : DnsWire.WithTransactionId(answer.Packet, query.TransactionID);
    }

    private async Task<byte[]> ForwardAndAdmitAsync(DnsClientPolicy workspace, DnsMessage query, byte[] packet, DnsQuestion question, CancellationToken cancellationToken)
    {
        var answer = await upstream!.QueryAsync(packet, question, cancellationToken);
        if (answer is null)
            return ServerFailure(query, question);
        var (cnames, addresses) = FollowChain(question.Name, answer.Message.AnswerRecords);
        if (addresses.Count == 0)
            return DnsWire.WithTransactionId(answer.Packet, query.TransactionID); // NXDOMAIN or no data: nothing to admit

        // RFC 2181 §8: a TTL with its top bit set counts as 0, which the floor lifts.
        var ttlSeconds = Math.Clamp(addresses.Min(a => Math.Max(a.TimeToLive, 0)), MinAdmitSeconds, MaxAdmitSeconds);
        var ttl = TimeSpan.FromSeconds(ttlSeconds);
        var admitted = addresses.Select(a => a.Address).Distinct().ToArray();
        try
        {
            await policy.AdmitAsync(workspace.WorkspaceId, admitted, ttl, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            DnsLog.AdmitFailed(logger, e, admitted.Length, question.Name.ToString(), workspace.WorkspaceId);
            return Reply(query, ReturnCode.ServerFailure);
        }
        DnsLog.Admitted(logger, workspace.WorkspaceId, question.Name.ToString(), admitted.Length, ttl);

        // The workspace sees the chain it asked for and nothing else, and caches no record
        // longer than the firewall lets its address through.
        var reply = query.CreateResponseInstance();
        reply.IsRecursionAllowed = true;
        reply.ReturnCode = ReturnCode.NoError;
        foreach (var cname in cnames)
            reply.AnswerRecords.Add(new CNameRecord(cname.Name, Math.Clamp(cname.TimeToLive, 0, ttlSeconds), cname.CanonicalName));
        foreach (var address in addresses)
            reply.AnswerRecords.Add(new ARecord(address.Name, Math.Clamp(address.TimeToLive, 0, ttlSeconds), address.Address));
        return DnsWire.Encode(reply);
    }

    /// <summary>The CNAME records from <paramref name="name"/> on, and the A records of the name the chain ends at.</summary>
    private static (List<CNameRecord> Cnames, List<ARecord> Addresses) FollowChain(DomainName name, List<DnsRecordBase> records)
    {
        var cnames = new List<CNameRecord>();
        for (var hop = 0; hop < MaxCnameChain; hop++)
        {
            var next = records.OfType<CNameRecord>().FirstOrDefault(r => r.RecordClass == RecordClass.INet && r.Name.Equals(name));
            if (next is null)
                break;
            cnames.Add(next);
            name = next.CanonicalName;
        }
        var addresses = records.OfType<ARecord>().Where(r => r.RecordClass == RecordClass.INet && r.Name.Equals(name)).ToList();
        return (cnames, addresses);
    }

    /// <summary>
    /// Matches on the name's labels as the library read them: a label that is no host name label
    /// (a '.' or '\' inside one included) matches nothing, so no escaping can make a name look
    /// like one under an allowed suffix.
    /// </summary>
    private static bool IsAllowed(IReadOnlyList<HostnamePattern> allowed, DomainName name)
    {
        if (name.LabelCount == 0)
            return false;
        foreach (var label in name.Labels)
        {
            if (!HostnamePattern.IsLabel(label))
                return false;
        }
        var text = string.Join('.', name.Labels);
        foreach (var pattern in allowed)
        {
            if (pattern.Matches(text))
                return true;
        }
        return false;
    }

    private byte[] ServerFailure(DnsMessage query, DnsQuestion question)
    {
        DnsLog.UpstreamsExhausted(logger, question.Name.ToString(), question.RecordType.ToString(), string.Join(", ", upstreams.Select(u => u.ToString())));
        return Reply(query, ReturnCode.ServerFailure);
    }

    private static byte[] Reply(DnsMessage query, ReturnCode code)
    {
        var reply = query.CreateResponseInstance();
        reply.IsRecursionAllowed = true;
        reply.ReturnCode = code;
        return DnsWire.Encode(reply);
    }

    private void Track(Task task)
    {
        running.TryAdd(task, 0);
        task.ContinueWith(static (done, tasks) => ((ConcurrentDictionary<Task, byte>)tasks!).TryRemove(done, out _), running,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static IPAddress ClientAddress(EndPoint? endpoint)
    {
        var address = ((IPEndPoint)endpoint!).Address;
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
