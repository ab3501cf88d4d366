using System.Text.RegularExpressions;

namespace Hearth.Cli.Transfer;

/// <summary>A <c>WS:/path</c> operand of <c>hearth cp</c>: a workspace id, a colon, an absolute path.</summary>
internal sealed partial record RemotePath(string Workspace, string Path)
{
    /// <summary>
    /// Parses <c>WS:/path</c>. A local path that starts with <c>/</c> or <c>.</c> never matches, so
    /// <c>./a:b</c> names a local file with a colon, as in <c>docker cp</c>.
    /// </summary>
    public static RemotePath? TryParse(string operand)
    {
        var match = Pattern().Match(operand);
        if (!match.Success)
        {
            return null;
        }

        var path = match.Groups["path"].Value;
        return path.StartsWith('/')
            ? new RemotePath(match.Groups["ws"].Value, path)
            : throw new CliException($"'{operand}': the path in a workspace must be absolute (WS:/path)", ExitCodes.Usage);
    }

    /// <summary>The last segment of a path, ignoring trailing slashes (<c>"/a/b/"</c> gives <c>b</c>).</summary>
    public static string BaseName(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash < 0 ? trimmed : trimmed[(slash + 1)..];
    }

    /// <summary>The directory of a path (<c>"/a/b"</c> gives <c>/a</c>, <c>"/b"</c> gives <c>/</c>).</summary>
    public static string DirectoryName(string path)
    {
        var trimmed = path.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash <= 0 ? "/" : trimmed[..slash];
    }

    [GeneratedRegex(@"^(?<ws>[A-Za-z0-9][A-Za-z0-9_.-]*):(?<path>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
