using System.Net;

namespace Hearth.Runtime.Network.Firewall;

/// <summary>
/// Everything the firewall enforces for one workspace (DESIGN §6): its address, what it may
/// reach (egress) and who may reach it (ingress). Hostname entries of <c>egress</c> are not here:
/// the DNS resolver admits their answers at run time (<see cref="NftFirewall.AdmitResolvedAsync"/>).
/// </summary>
internal sealed record WorkspaceRules
{
    public required string WorkspaceId { get; init; }
    public required IPAddress Address { get; init; }
    public bool AllowInternet { get; init; } = true;
    /// <summary>IP and CIDR entries of <c>egress</c>.</summary>
    public IReadOnlyList<IPNetwork> Egress { get; init; } = [];
    /// <summary><c>egress</c> also holds hostnames: the list restricts even when <see cref="Egress"/> is empty.</summary>
    public bool EgressHasHostnames { get; init; }
    /// <summary>Sources admitted: <c>ingress</c> plus the addresses of private links.</summary>
    public IReadOnlyList<IPNetwork> Ingress { get; init; } = [];
    /// <summary>When not empty, only these TCP/UDP ports of admitted sources pass.</summary>
    public IReadOnlyList<int> IngressPorts { get; init; } = [];

    /// <summary>An egress list is set: only its entries may be reached.</summary>
    public bool EgressRestricted => Egress.Count > 0 || EgressHasHostnames;
}
