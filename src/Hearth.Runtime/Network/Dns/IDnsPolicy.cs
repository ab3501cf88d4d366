using System.Net;

namespace Hearth.Runtime.Network.Dns;

/// <summary>PLACEHOLDER until the DNS branch merges.</summary>
internal sealed record DnsClientPolicy(string WorkspaceId, IReadOnlyList<HostnamePattern>? AllowedNames);

/// <summary>PLACEHOLDER until the DNS branch merges.</summary>
internal interface IDnsPolicy
{
    DnsClientPolicy? Find(IPAddress client);
    Task AdmitAsync(string workspaceId, IReadOnlyList<IPAddress> addresses, TimeSpan ttl, CancellationToken cancellationToken);
}
