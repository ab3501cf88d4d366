using System.Net;

namespace Hearth.Server.Network.Dns;

/// <summary>
/// What the workspace DNS resolver asks about the address a query came from. hearthd's network
/// service implements it; the nftables anti-spoofing rules on every veth guarantee that a source
/// address is the workspace's own.
/// </summary>
internal interface IDnsPolicy
{
    /// <summary>The policy of the workspace at <paramref name="client"/>; null when the source address is no workspace: the query is answered REFUSED.</summary>
    DnsClientPolicy? Find(IPAddress client);

    /// <summary>
    /// Called with the IPv4 addresses of an allowed answer BEFORE the answer is sent, so that a
    /// connect right after the lookup passes the firewall; only when
    /// <see cref="DnsClientPolicy.AllowedNames"/> is not null. <paramref name="ttl"/> is the
    /// smallest TTL of the answer's A records, at least 60 s and at most one day; the answer the
    /// workspace gets never has a longer TTL. An exception makes the answer SERVFAIL.
    /// </summary>
    Task AdmitAsync(string workspaceId, IReadOnlyList<IPAddress> addresses, TimeSpan ttl, CancellationToken cancellationToken);
}
