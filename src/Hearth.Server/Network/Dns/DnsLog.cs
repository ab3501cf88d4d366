using System.Net;

namespace Hearth.Server.Network.Dns;

/// <summary>
/// The workspace resolver's log events, 8101-8199 (8xxx = network). What happens to one query
/// is Debug: a workspace decides how many queries it sends, and its queries must not flood the
/// log.
/// </summary>
internal static partial class DnsLog
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "workspace DNS resolver listening on {Endpoint} (udp and tcp), upstreams {Upstreams}")]
    public static partial void Listening(ILogger logger, IPEndPoint endpoint, string upstreams);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Information, Message = "workspace DNS resolver on {Endpoint} stopped")]
    public static partial void Stopped(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Debug, Message = "dropped a malformed DNS datagram ({Length} bytes) from {Client}")]
    public static partial void MalformedDatagram(ILogger logger, IPAddress client, int length);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Debug, Message = "closed the DNS TCP connection of {Client}: malformed message")]
    public static partial void MalformedTcpMessage(ILogger logger, IPAddress client);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Debug, Message = "refused a DNS query from {Client}: no workspace has that address")]
    public static partial void Refused(ILogger logger, IPAddress client);

    [LoggerMessage(EventId = 8106, Level = LogLevel.Debug, Message = "workspace {WorkspaceId} asked for {Name}, which its egress list does not allow: NXDOMAIN")]
    public static partial void NameNotAllowed(ILogger logger, string workspaceId, string name);

    [LoggerMessage(EventId = 8107, Level = LogLevel.Debug, Message = "upstream {Upstream} ({Transport}) gave no answer to {Name}: {Reason}")]
    public static partial void UpstreamFailed(ILogger logger, IPEndPoint upstream, string transport, string name, string reason);

    [LoggerMessage(EventId = 8108, Level = LogLevel.Warning, Message = "no upstream DNS server answered {Name} {Type} (tried {Upstreams}): SERVFAIL")]
    public static partial void UpstreamsExhausted(ILogger logger, string name, string type, string upstreams);

    [LoggerMessage(EventId = 8109, Level = LogLevel.Warning, Message = "admitting the {Count} addresses of {Name} for workspace {WorkspaceId} failed: SERVFAIL")]
    public static partial void AdmitFailed(ILogger logger, Exception exception, int count, string name, string workspaceId);

    [LoggerMessage(EventId = 8110, Level = LogLevel.Debug, Message = "closed a DNS TCP connection from {Client}: {Limit} clients are connected already")]
    public static partial void TcpClientLimit(ILogger logger, IPAddress client, int limit);

    [LoggerMessage(EventId = 8111, Level = LogLevel.Debug, Message = "dropped a DNS query from {Client}: {Limit} queries are being answered already")]
    public static partial void UdpQueryLimit(ILogger logger, IPAddress client, int limit);

    [LoggerMessage(EventId = 8112, Level = LogLevel.Error, Message = "the DNS {Transport} listener on {Endpoint} failed once; it goes on serving")]
    public static partial void ListenerError(ILogger logger, Exception exception, string transport, IPEndPoint endpoint);

    [LoggerMessage(EventId = 8113, Level = LogLevel.Debug, Message = "dropped a datagram from upstream {Upstream} that does not answer the pending query (id or question differ, or malformed)")]
    public static partial void UpstreamReplyDropped(ILogger logger, IPEndPoint upstream);

    [LoggerMessage(EventId = 8114, Level = LogLevel.Debug, Message = "workspace {WorkspaceId}: {Name} -> {Count} addresses admitted for {Ttl}")]
    public static partial void Admitted(ILogger logger, string workspaceId, string name, int count, TimeSpan ttl);

    [LoggerMessage(EventId = 8115, Level = LogLevel.Debug, Message = "closed the idle DNS TCP connection of {Client}")]
    public static partial void TcpIdle(ILogger logger, IPAddress client);

    [LoggerMessage(EventId = 8116, Level = LogLevel.Debug, Message = "could not send a DNS answer to {Client} over {Transport}: {Reason}")]
    public static partial void SendFailed(ILogger logger, IPAddress client, string transport, string reason);

    [LoggerMessage(EventId = 8117, Level = LogLevel.Error, Message = "answering a DNS query from {Client} failed")]
    public static partial void QueryFailed(ILogger logger, Exception exception, IPAddress client);
}
