using System.Globalization;
using System.Text;
using Hearth.Protocol.Workspaces;

namespace Hearth.Sdk.Internal;

/// <summary>
/// The API's paths, relative to the base address (no leading '/', so a base address with a path prefix
/// keeps it). Every caller-supplied segment is percent-escaped.
/// </summary>
internal static class ApiPaths
{
    public const string Health = "health";
    public const string Workspaces = "workspace";
    public const string Images = "workspace/images";
    public const string Quota = "workspace/quota";

    /// <summary>
    /// <c>workspace/images/{name}[/action]</c>. A name may hold '/' (a registry reference): each
    /// segment is escaped on its own, so the server's catch-all route sees the slashes.
    /// </summary>
    public static string Image(string name, string? action = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var segments = name.Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"'{name}' is not an image name.", nameof(name));
        }

        var path = Images + "/" + string.Join('/', segments.Select(Uri.EscapeDataString));
        return action is null ? path : path + "/" + action;
    }

    public static string Workspace(string id, string? action = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);

        // EscapeDataString leaves '.' alone, and Uri resolves "." and ".." segments away:
        // "workspace/.." would silently address the API root.
        if (id is "." or "..")
        {
            throw new ArgumentException($"'{id}' is not a workspace id.", nameof(id));
        }

        var path = Workspaces + "/" + Uri.EscapeDataString(id);
        return action is null ? path : path + "/" + action;
    }

    public static string List(ListWorkspacesQuery? query)
    {
        if (query is null)
        {
            return Workspaces;
        }

        var builder = new StringBuilder(Workspaces);
        var separator = '?';
        void Add(string name, string? value)
        {
            if (value is null)
            {
                return;
            }

            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        Add("page", query.Page?.ToString(CultureInfo.InvariantCulture));
        Add("limit", query.Limit?.ToString(CultureInfo.InvariantCulture));
        Add("status", query.Status);
        Add("mode", query.Mode);
        return builder.ToString();
    }
}
