using System.Globalization;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// How hearthd talks to registries: credentials per <c>host[:port]</c> (used for Basic auth and
/// for the token server of the Bearer flow) and the hosts reached over plain http. Loopback hosts
/// (localhost, 127.*, [::1]) are always plain http. A host listed in either is one the operator
/// vouched for: only such a host may be on this host's own networks (<see cref="OwnNetworks"/>)
/// or serve a token realm over plain http.
/// </summary>
internal sealed record RegistryOptions
{
    public IReadOnlyDictionary<string, (string User, string Password)> Credentials { get; init; } =
        new Dictionary<string, (string User, string Password)>(StringComparer.OrdinalIgnoreCase);

    public IReadOnlySet<string> Insecure { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>A request that receives no byte for this long (headers or body) fails as <c>registry_unreachable</c>.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether the operator listed <paramref name="host"/>:<paramref name="port"/> (in
    /// <see cref="Credentials"/> or <see cref="Insecure"/>); a listing without a port matches the
    /// scheme's default port. <paramref name="host"/> may be an IPv6 literal with or without brackets.
    /// </summary>
    public bool Lists(string host, int port, int defaultPort)
    {
        host = host.Trim('[', ']');
        if (host.Contains(':', StringComparison.Ordinal)) host = $"[{host}]";
        var withPort = host + ":" + port.ToString(CultureInfo.InvariantCulture);
        return Listed(withPort) || (port == defaultPort && Listed(host));
    }

    private bool Listed(string hostPort) =>
        Credentials.Keys.Any(k => k.Equals(hostPort, StringComparison.OrdinalIgnoreCase))
        || Insecure.Any(k => k.Equals(hostPort, StringComparison.OrdinalIgnoreCase));
}
