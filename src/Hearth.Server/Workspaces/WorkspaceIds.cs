using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Hearth.Server.Workspaces;

/// <summary>Workspace ids (<c>ws_</c> + 10 lowercase alphanumerics) and default names and slugs.</summary>
internal static partial class WorkspaceIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New() => "ws_" + RandomNumberGenerator.GetString(Alphabet, 10);

    /// <summary>A slug from a display name: lowercase, hyphens for everything else, 3-63 characters.</summary>
    public static string Slugify(string name, string id)
    {
        var slug = NonSlug().Replace(name.ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 50) slug = slug[..50].Trim('-');
        return slug.Length >= 3 ? slug : "ws-" + id[3..];
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
