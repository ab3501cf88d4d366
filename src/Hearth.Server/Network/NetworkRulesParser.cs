using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Server.Network.Dns;
using Hearth.Server.Validation;

namespace Hearth.Server.Network;

/// <summary>
/// Reads the firewall fields (<c>allow_internet</c>, <c>ingress</c>, <c>ingress_ports</c>,
/// <c>egress</c>, <c>private_link_ids</c>, <c>public_access</c>) of a create's <c>config</c> or a
/// network PATCH into an <see cref="UpdateNetworkRequest"/>, each entry checked and every bad one
/// named. A field that is absent stays null (unchanged).
/// </summary>
internal static partial class NetworkRulesParser
{
    public const int MaxEntries = 50;

    /// <summary>Reads the fields of <paramref name="obj"/>; <paramref name="prefix"/> names them in errors (<c>config.</c>).</summary>
    public static UpdateNetworkRequest Read(FieldReader reader, JsonElement obj, string prefix) => new()
    {
        AllowInternet = reader.Boolean(obj, "allow_internet", prefix + "allow_internet"),
        Ingress = Entries(reader, obj, "ingress", prefix, NormalizeIngress),
        IngressPorts = Ports(reader, obj, prefix + "ingress_ports"),
        Egress = Entries(reader, obj, "egress", prefix, NormalizeEgress),
        PrivateLinkIds = PrivateLinks(reader, obj, prefix),
        PublicAccess = reader.Boolean(obj, "public_access", prefix + "public_access"),
    };

    /// <summary><c>private_link_ids</c>: workspace ids or slugs (checked against the store by the caller).</summary>
    public static IReadOnlyList<string>? PrivateLinks(FieldReader reader, JsonElement obj, string prefix) =>
        Entries(reader, obj, "private_link_ids", prefix, id => id.Length is > 0 and <= 128 ? id : null);

    /// <summary>An IPv4 address or CIDR, written as the network it names ("10.0.0.0/8"), or null.</summary>
    public static IPNetwork? ParseNetwork(string entry)
    {
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        var text = slash < 0 ? entry : entry[..slash];
        // Dotted decimal only: .NET also takes "10.88.0.05", "0x0a.88.0.5" and octal "010...",
        // spellings a later comparison by text would miss (and octal means another address).
        if (!DottedQuad().IsMatch(text) || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
            return null;
        if (slash < 0) return new IPNetwork(address, 32);
        if (!PrefixLength().IsMatch(entry[(slash + 1)..])) return null;
        var prefix = int.Parse(entry[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        if (prefix > 32) return null;
        // The network of the address: "10.88.0.5/16" means 10.88.0.0/16.
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        return new IPNetwork(Hearth.Runtime.Network.Ipv4.FromUInt(Hearth.Runtime.Network.Ipv4.ToUInt(address) & mask), prefix);
    }

    /// <summary>The canonical text of an IP or CIDR entry: "10.88.0.5", "10.0.0.0/8" (stored so, and compared so).</summary>
    public static string Canonical(IPNetwork network) => network.PrefixLength == 32 ? network.BaseAddress.ToString() : network.ToString();

    private static string? NormalizeIngress(string entry) => ParseNetwork(entry) is { } network ? Canonical(network) : null;

    private static string? NormalizeEgress(string entry) =>
        ParseNetwork(entry) is { } network ? Canonical(network) : HostnamePattern.TryParse(entry, out var name) ? name.ToString() : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$")]
    private static partial System.Text.RegularExpressions.Regex DottedQuad();

    [System.Text.RegularExpressions.GeneratedRegex("^(0|[1-9][0-9]?)$")]
    private static partial System.Text.RegularExpressions.Regex PrefixLength();

    private static List<string>? Entries(FieldReader reader, JsonElement obj, string name, string prefix, Func<string, string?> normalize)
    {
        var field = prefix + name;
        if (FieldReader.Property(obj, name) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Array) { reader.Add(field, "must be an array of strings"); return null; }
        if (value.GetArrayLength() > MaxEntries) { reader.Add(field, $"at most {MaxEntries} entries, not {value.GetArrayLength()}"); return null; }
        var result = new List<string>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : null;
            var normalized = text is null ? null : normalize(text);
            if (normalized is null)
                reader.Add($"{field}[{i}]", text is null ? "must be a string" : $"'{text}' is not {What(name)}");
            else if (!result.Contains(normalized))
                result.Add(normalized);
            i++;
        }
        return result;
    }

    private static string What(string name) => name switch
    {
        "ingress" => "an IPv4 address or CIDR (such as 10.88.0.5 or 10.0.0.0/8)",
        "egress" => "an IPv4 address, a CIDR or a hostname (such as api.openai.com or *.example.com)",
        _ => "a workspace id",
    };

    private static List<int>? Ports(FieldReader reader, JsonElement obj, string field)
    {
        if (FieldReader.Property(obj, "ingress_ports") is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Array) { reader.Add(field, "must be an array of port numbers"); return null; }
        if (value.GetArrayLength() > MaxEntries) { reader.Add(field, $"at most {MaxEntries} entries, not {value.GetArrayLength()}"); return null; }
        var result = new List<int>();
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var port) && port is >= 1 and <= 65535)
            {
                if (!result.Contains(port)) result.Add(port);
            }
            else
            {
                reader.Add($"{field}[{i}]", $"must be a port number between 1 and 65535, not {item.GetRawText()}");
            }
            i++;
        }
        return result;
    }
}
