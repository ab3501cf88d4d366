using System.Text.RegularExpressions;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// A registry image reference, <c>host[:port]/path[:tag][@sha256:hex]</c> (distribution's
/// reference grammar, without its default registry: Hearth has none, so the host is required).
/// With neither tag nor digest the tag is <c>latest</c>; with both, the digest is what is pulled.
/// </summary>
internal sealed partial record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    /// <summary>What goes after <c>/manifests/</c>: the digest when there is one, else the tag.</summary>
    public string Reference => Digest ?? Tag!;

    public override string ToString() => $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    [GeneratedRegex(@"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::[0-9]{1,5})?$")]
    private static partial Regex HostPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    public static ImageReference Parse(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? "" : text[..slash];
        if (slash < 0 || !(host.Contains('.') || host.Contains(':') || host == "localhost"))
            throw Invalid(text, "name a registry host: host[:port]/name:tag");
        if (!HostPattern().IsMatch(host)) throw Invalid(text, $"'{host}' is not a host[:port]");

        var rest = text[(slash + 1)..];
        string? digest = null, tag = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!Oci.Digest.IsValid(digest)) throw Invalid(text, $"'{digest}' is not a sha256:<64 hex> digest");
        }
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/'))
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag)) throw Invalid(text, $"'{tag}' is not a valid tag");
        }
        if (!RepositoryPattern().IsMatch(rest)) throw Invalid(text, $"'{rest}' is not a valid repository name (lowercase, digits, . _ - and /)");
        return new ImageReference(host, rest, tag ?? (digest is null ? "latest" : null), digest);
    }

    private static RuntimeException Invalid(string text, string why) => new("invalid_image", $"{text}: {why}");
}
