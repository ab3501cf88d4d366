using System.Net;
using Hearth.Server.Network.Dns;
using Microsoft.Extensions.Logging;

namespace Hearth.Server.Tests.Network.Dns;

/// <summary>
/// A <see cref="FakeUpstream"/> with <see cref="TestZone"/>, and a <see cref="WorkspaceDnsServer"/>
/// on 127.0.0.2 (random port) forwarding to it, with <see cref="TestZone.Policy"/>. Disposing
/// checks that the resolver logged no error.
/// </summary>
internal sealed class DnsHarness : IAsyncDisposable
{
    private DnsHarness(FakeUpstream upstream, WorkspaceDnsServer server, TestPolicy policy, RecordingSocketFactory sockets, RecordingLogger<WorkspaceDnsServer> logger)
    {
        Upstream = upstream;
        Server = server;
        Policy = policy;
        Sockets = sockets;
        Logger = logger;
    }

    public FakeUpstream Upstream { get; }
    public WorkspaceDnsServer Server { get; }
    public TestPolicy Policy { get; }
    public RecordingSocketFactory Sockets { get; }
    public RecordingLogger<WorkspaceDnsServer> Logger { get; }
    public IPEndPoint EndPoint => Server.LocalEndPoint;

    /// <param name="upstreamsBefore">Upstreams tried before the fake one (dead ones).</param>
    /// <param name="fakeUpstream">False: only <paramref name="upstreamsBefore"/>.</param>
    /// <param name="tcpIdleTimeout">The resolver's; 10 s by default.</param>
    /// <param name="maxTcpClients">The resolver's; 64 by default.</param>
    /// <param name="upstreamUdpTimeout">The resolver's; 2 s by default.</param>
    public static async Task<DnsHarness> StartAsync(IPEndPoint[]? upstreamsBefore = null, bool fakeUpstream = true,
        TimeSpan? tcpIdleTimeout = null, int maxTcpClients = 64, TimeSpan? upstreamUdpTimeout = null)
    {
        var upstream = new FakeUpstream(TestZone.Records(), TestZone.Rules());
        var policy = TestZone.Policy();
        var sockets = new RecordingSocketFactory();
        var logger = new RecordingLogger<WorkspaceDnsServer>();
        IPEndPoint[] upstreams = [.. upstreamsBefore ?? [], .. fakeUpstream ? [upstream.EndPoint] : Array.Empty<IPEndPoint>()];
        var server = new WorkspaceDnsServer(new IPEndPoint(DnsTestClient.ServerAddress, 0), upstreams, policy, sockets.Create, logger)
        {
            TcpIdleTimeout = tcpIdleTimeout ?? TimeSpan.FromSeconds(10),
            MaxTcpClients = maxTcpClients,
            UpstreamUdpTimeout = upstreamUdpTimeout ?? TimeSpan.FromSeconds(2),
        };
        await server.StartAsync();
        return new DnsHarness(upstream, server, policy, sockets, logger);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Upstream.DisposeAsync();
        Assert.DoesNotContain(Logger.Entries, e => e.Level >= LogLevel.Error);
    }
}
