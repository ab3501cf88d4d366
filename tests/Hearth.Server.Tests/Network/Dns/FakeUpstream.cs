using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using Hearth.Server.Network.Dns;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>
/// A real upstream DNS server on 127.0.0.1 (UDP and TCP on one random port) answering from a
/// small in-test zone, the way a recursive resolver would: CNAMEs followed inside the zone,
/// NXDOMAIN for names it has nothing for. Per-name <see cref="Rule"/>s make it slow, truncate
/// over UDP, or send forged datagrams before the real answer.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private readonly Socket udp;
    private readonly Socket tcp;
    private readonly CancellationTokenSource stop = new();
    private readonly List<DnsRecordBase> zone = [];
    private readonly Dictionary<string, Rule> rules = new(StringComparer.OrdinalIgnoreCase);
    private readonly Task udpLoop;
    private readonly Task tcpLoop;
    private int udpQueries;
    private int tcpQueries;

    /// <summary>Per-name behaviour.</summary>
    public sealed record Rule
    {
        /// <summary>UDP answers wait for <see cref="Release"/>.</summary>
        public bool Held { get; init; }
        public bool TruncateOverUdp { get; init; }
        /// <summary>Before the answer: one with another ID, one with the right ID but another question.</summary>
        public bool ForgeFirst { get; init; }
        /// <summary>Answer records added to the zone's, for no reason (an off-chain address).</summary>
        public DnsRecordBase[] Extra { get; init; } = [];
    }

    public FakeUpstream(IEnumerable<DnsRecordBase> records, IReadOnlyDictionary<string, Rule>? rules = null)
    {
        zone.AddRange(records);
        foreach (var (name, rule) in rules ?? new Dictionary<string, Rule>())
            this.rules[name] = rule;
        // The kernel picks the UDP port; TCP takes the same, which a client connection may hold.
        for (var attempt = 1; ; attempt++)
        {
            udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            EndPoint = (IPEndPoint)udp.LocalEndPoint!;
            tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(EndPoint);
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 10)
            {
                udp.Dispose();
                tcp.Dispose();
            }
        }
        tcp.Listen(16);
        udpLoop = Task.Run(ServeUdpAsync);
        tcpLoop = Task.Run(ServeTcpAsync);
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>Lets the <see cref="Rule.Held"/> answers go.</summary>
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int UdpQueries => Volatile.Read(ref udpQueries);

    public int TcpQueries => Volatile.Read(ref tcpQueries);

    /// <summary>Every question asked, in order of arrival.</summary>
    public ConcurrentQueue<DnsQuestion> Questions { get; } = new();

    /// <summary>The bytes of the last real answer sent (ID included).</summary>
    public byte[]? LastAnswer { get; private set; }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        udp.Dispose();
        tcp.Dispose();
        await Task.WhenAll(udpLoop, tcpLoop);
        stop.Dispose();
    }

    private async Task ServeUdpAsync()
    {
        var buffer = new byte[65535];
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            var query = DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, received.ReceivedBytes));
            Interlocked.Increment(ref udpQueries);
            var client = received.RemoteEndPoint;
            _ = Task.Run(async () =>
            {
                try
                {
                    var rule = RuleFor(query);
                    if (rule.Held)
                        await Release.Task.WaitAsync(stop.Token);
                    if (rule.ForgeFirst)
                    {
                        foreach (var forged in Forgeries(query))
                            await udp.SendToAsync(DnsWire.Encode(forged), SocketFlags.None, client, stop.Token);
                    }
                    var answer = rule.TruncateOverUdp ? TruncatedAnswer(query) : Answer(query);
                    await udp.SendToAsync(answer, SocketFlags.None, client, stop.Token);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                }
            });
        }
    }

    private async Task ServeTcpAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await tcp.AcceptAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using (connection)
                {
                    try
                    {
                        while (await DnsTcp.ReadMessageAsync(connection, stop.Token) is { } message)
                        {
                            var query = DnsMessage.Parse(message);
                            Interlocked.Increment(ref tcpQueries);
                            await DnsTcp.WriteMessageAsync(connection, Answer(query), stop.Token);
                        }
                    }
                    catch (Exception) when (stop.IsCancellationRequested)
                    {
                    }
                }
            });
        }
    }

    private Rule RuleFor(DnsMessage query) =>
        query.Questions.Count == 1 && rules.TryGetValue(query.Questions[0].Name.ToString(false), out var rule) ? rule : new Rule();

    private byte[] Answer(DnsMessage query)
    {
        var question = query.Questions[0];
        Questions.Enqueue(question);
        var reply = query.CreateResponseInstance();
        reply.IsRecursionAllowed = true;
        var name = question.Name;
        var known = false;
        for (var hop = 0; hop < 8; hop++)
        {
            var cname = zone.OfType<CNameRecord>().FirstOrDefault(r => r.Name.Equals(name));
            if (cname is null)
                break;
            reply.AnswerRecords.Add(cname);
            known = true;
            name = cname.CanonicalName;
        }
        foreach (var record in zone.Where(r => r.Name.Equals(name)))
        {
            known = true;
            if (record.RecordType == question.RecordType)
                reply.AnswerRecords.Add(record);
        }
        reply.AnswerRecords.AddRange(RuleFor(query).Extra);
        reply.ReturnCode = known ? ReturnCode.NoError : ReturnCode.NxDomain;
        var bytes = DnsWire.Encode(reply);
        LastAnswer = bytes;
        return bytes;
    }

    private static byte[] TruncatedAnswer(DnsMessage query)
    {
        var reply = query.CreateResponseInstance();
        reply.IsRecursionAllowed = true;
        reply.IsTruncated = true;
        return DnsWire.Encode(reply);
    }

    private static IEnumerable<DnsMessage> Forgeries(DnsMessage query)
    {
        var wrongId = query.CreateResponseInstance();
        wrongId.TransactionID = (ushort)(query.TransactionID ^ 0x5555);
        wrongId.AnswerRecords.Add(new ARecord(query.Questions[0].Name, 300, IPAddress.Parse("203.0.113.99")));
        yield return wrongId;

        var decoy = DomainName.Parse("decoy.example.test");
        var wrongQuestion = query.CreateResponseInstance();
        wrongQuestion.Questions = [new DnsQuestion(decoy, RecordType.A, RecordClass.INet)];
        wrongQuestion.AnswerRecords.Add(new ARecord(decoy, 300, IPAddress.Parse("203.0.113.98")));
        yield return wrongQuestion;
    }
}
