namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// How hearthd talks to registries: credentials per <c>host[:port]</c> (used for Basic auth and
/// for the token server of the Bearer flow) and the hosts reached over plain http. Loopback hosts
/// (localhost, 127.*, [::1]) are always plain http.
/// </summary>
internal sealed record RegistryOptions
{
    public IReadOnlyDictionary<string, (string User, string Password)> Credentials { get; init; } =
        new Dictionary<string, (string User, string Password)>(StringComparer.OrdinalIgnoreCase);

    public IReadOnlySet<string> Insecure { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}
