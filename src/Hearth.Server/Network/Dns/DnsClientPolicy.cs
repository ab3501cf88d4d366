namespace Hearth.Server.Network.Dns;

/// <summary>What the resolver knows about the workspace that asked.</summary>
/// <param name="WorkspaceId">The workspace, as passed back to <see cref="IDnsPolicy.AdmitAsync"/>.</param>
/// <param name="AllowedNames">
/// The hostnames of the workspace's egress list; null = any name resolves (the query is relayed
/// as it is). When set, a name that matches no pattern is NXDOMAIN, AAAA is always empty and the
/// addresses of an A answer are admitted before the answer is sent. An empty list resolves
/// nothing: an air-gapped workspace gets no DNS path out (queries for any name would otherwise
/// carry data to whoever serves that name).
/// </param>
internal sealed record DnsClientPolicy(string WorkspaceId, IReadOnlyList<HostnamePattern>? AllowedNames);
