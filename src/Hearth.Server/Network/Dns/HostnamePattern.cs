using System.Net;

namespace Hearth.Server.Network.Dns;

/// <summary>
/// A hostname entry of a workspace's egress list: <c>api.openai.com</c> allows that name only,
/// <c>*.example.com</c> every name under example.com (<c>a.example.com</c>, <c>a.b.example.com</c>)
/// but not example.com itself. Names are host names as RFC 1123 §2.1 defines them: labels of
/// 1-63 letters, digits and hyphens, neither starting nor ending with a hyphen, at most 253
/// characters in all (RFC 1035 §2.3.4 without the trailing dot). Case does not matter and a
/// trailing dot is accepted.
/// </summary>
/// <remarks>
/// An IP address is not a host name: a text that <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
/// accepts (that includes <c>0x7f000001</c>, which inet_aton(3) would also take for an address) or
/// whose last label is all digits (RFC 3696 §2: a top-level domain is never numeric) is refused.
/// <c>default(HostnamePattern)</c> matches nothing.
/// </remarks>
internal readonly record struct HostnamePattern
{
    private const int MaxNameLength = 253;
    private const int MaxLabelLength = 63;
    private const string WildcardPrefix = "*.";

    // Lower case, without "*." and without a trailing dot; null only in default(HostnamePattern).
    private readonly string? name;
    private readonly bool wildcard;

    private HostnamePattern(string name, bool wildcard)
    {
        this.name = name;
        this.wildcard = wildcard;
    }

    /// <summary>True for a <c>*.</c> pattern.</summary>
    public bool IsWildcard => wildcard;

    /// <summary>Reads <paramref name="text"/>; false when it is no host name or wildcard (see the type's remarks).</summary>
    public static bool TryParse(string? text, out HostnamePattern pattern)
    {
        pattern = default;
        if (string.IsNullOrEmpty(text))
            return false;
        var full = text.EndsWith('.') ? text[..^1] : text;
        if (full.Length > MaxNameLength)
            return false;
        var wildcard = full.StartsWith(WildcardPrefix, StringComparison.Ordinal);
        var host = wildcard ? full[WildcardPrefix.Length..] : full;
        if (!IsHostname(host))
            return false;
        pattern = new HostnamePattern(host.ToLowerInvariant(), wildcard);
        return true;
    }

    /// <summary>
    /// True when <paramref name="hostname"/> (case-insensitive, a trailing dot ignored) is the
    /// pattern's name or, for a wildcard, a name strictly under it. A text that is no host name
    /// never matches.
    /// </summary>
    public bool Matches(string? hostname)
    {
        if (name is null || string.IsNullOrEmpty(hostname))
            return false;
        var host = hostname.EndsWith('.') ? hostname[..^1] : hostname;
        if (host.Length > MaxNameLength || !IsHostname(host))
            return false;
        if (!wildcard)
            return host.Equals(name, StringComparison.OrdinalIgnoreCase);
        // At least one whole label before the suffix: "xexample.com" is not under "example.com".
        return host.Length > name.Length + 1
            && host.EndsWith(name, StringComparison.OrdinalIgnoreCase)
            && host[host.Length - name.Length - 1] == '.';
    }

    /// <summary>The pattern as it is written back: lower case, without a trailing dot.</summary>
    public override string ToString() => name is null ? "" : wildcard ? WildcardPrefix + name : name;

    /// <summary>One RFC 1123 label: 1-63 of [A-Za-z0-9-], not starting or ending with '-'.</summary>
    internal static bool IsLabel(ReadOnlySpan<char> label)
    {
        if (label.Length is 0 or > MaxLabelLength || label[0] == '-' || label[^1] == '-')
            return false;
        foreach (var c in label)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                return false;
        }
        return true;
    }

    private static bool IsHostname(string host)
    {
        if (host.Length is 0 or > MaxNameLength || IPAddress.TryParse(host, out _))
            return false;
        var rest = host.AsSpan();
        ReadOnlySpan<char> label;
        while (true)
        {
            var dot = rest.IndexOf('.');
            label = dot < 0 ? rest : rest[..dot];
            if (!IsLabel(label))
                return false;
            if (dot < 0)
                break;
            rest = rest[(dot + 1)..];
        }
        foreach (var c in label)
        {
            if (!char.IsAsciiDigit(c))
                return true;
        }
        return false; // the last label is all digits: an address, or no real name
    }
}
