using System.Text.Json.Serialization;

namespace Hearth.Protocol.Workspaces;

/// <summary>
/// <c>GET /workspace/:id/network</c>: the workspace's address and firewall (docs/design/network.md).
/// Lists come back as stored; <c>ingress</c> does not show the addresses private links add (see
/// <see cref="PrivateLinks"/>).
/// </summary>
public sealed record WorkspaceNetworkResponse
{
    /// <summary>Always true on success.</summary>
    public bool Success { get; init; } = true;
    /// <summary>The workspace's private address; kept across stop and start.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Ip { get; init; }
    /// <summary>The host's address on the workspaces' network: their route and DNS resolver.</summary>
    public required string Gateway { get; init; }
    /// <summary>Accepted and stored; public endpoints are not served yet.</summary>
    public bool PublicAccess { get; init; }
    /// <summary>Whether the workspace may reach addresses outside the workspace pool.</summary>
    public bool AllowInternet { get; init; } = true;
    /// <summary>Sources (IPs or CIDRs) admitted to this workspace; empty admits nobody.</summary>
    public IReadOnlyList<string> Ingress { get; init; } = [];
    /// <summary>When not empty, admitted sources reach only these TCP/UDP ports.</summary>
    public IReadOnlyList<int> IngressPorts { get; init; } = [];
    /// <summary>When not empty, the only destinations (IPs, CIDRs, hostnames, <c>*.</c> wildcards) the workspace may reach.</summary>
    public IReadOnlyList<string> Egress { get; init; } = [];
    /// <summary>Always empty: egress is not limited by port.</summary>
    public IReadOnlyList<int> EgressPorts { get; init; } = [];
    /// <summary>Always null: outbound traffic leaves with the host's address.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? OutboundIp { get; init; }
    /// <summary>Always <c>managed</c>: no custom outbound proxy.</summary>
    public string OutboundMode { get; init; } = "managed";
    /// <summary>Always null (no custom outbound proxy).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? OutboundProxy { get; init; }
    /// <summary>Workspaces admitted through <c>private_link_ids</c>, with their addresses.</summary>
    public IReadOnlyList<PrivateLink> PrivateLinks { get; init; } = [];
    /// <summary>What changed, on a <c>PATCH</c>.</summary>
    public string? Message { get; init; }
}

/// <summary>A workspace admitted to another through <c>private_link_ids</c>.</summary>
public sealed record PrivateLink
{
    /// <summary>The admitted workspace.</summary>
    public required string WorkspaceId { get; init; }
    /// <summary>Its display name.</summary>
    public required string Name { get; init; }
    /// <summary>Its address, admitted by the firewall.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Ip { get; init; }
}

/// <summary>
/// Body of <c>PATCH /workspace/:id/network</c>: only the fields given change, a given list
/// replaces the old one, and the change applies at once to new connections (no restart).
/// </summary>
public sealed record UpdateNetworkRequest
{
    /// <summary>Whether the workspace may reach addresses outside the workspace pool.</summary>
    public bool? AllowInternet { get; init; }
    /// <summary>Sources admitted (IPv4 addresses or CIDRs such as <c>0.0.0.0/0</c>), at most 50.</summary>
    public IReadOnlyList<string>? Ingress { get; init; }
    /// <summary>Ports admitted sources may reach, 1-65535, at most 50; empty for every port.</summary>
    public IReadOnlyList<int>? IngressPorts { get; init; }
    /// <summary>Destinations allowed (IPs, CIDRs, hostnames, <c>*.</c> wildcards), at most 50; empty for no list.</summary>
    public IReadOnlyList<string>? Egress { get; init; }
    /// <summary>Workspaces (ids or slugs) admitted to this one by their addresses.</summary>
    public IReadOnlyList<string>? PrivateLinkIds { get; init; }
    /// <summary>Stored and reported; public endpoints are not served yet.</summary>
    public bool? PublicAccess { get; init; }
}
