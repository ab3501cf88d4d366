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

    /// <summary><c>workspace/{id}/workloads/{workload}[/action]</c>; the workload is an id or a name.</summary>
    public static string Workload(string workspaceId, string workloadId, string? action = null)
    {
        var path = Workspace(workspaceId, "workloads/" + Segment(workloadId, nameof(workloadId), "workload id or name"));
        return action is null ? path : path + "/" + action;
    }

    /// <summary>
    /// One caller-supplied path segment, escaped. EscapeDataString leaves '.' alone, and Uri
    /// resolves "." and ".." segments away: "workloads/.." would silently address another endpoint.
    /// </summary>
    public static string Segment(string value, string parameter, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameter);
        if (value is "." or "..")
        {
            throw new ArgumentException($"'{value}' is not a {what}.", parameter);
        }

        return Uri.EscapeDataString(value);
    }

    /// <summary>A path with a query of the values that are set (the same form as the runtime gateway's).</summary>
    public static string Query(string path, params (string Name, object? Value)[] parameters) => RuntimePaths.Query(path, parameters);

    /// <summary>A duration as the whole seconds the API's <c>timeout</c> and <c>interval</c> take, rounded up; null stays null.</summary>
    public static long? Seconds(TimeSpan? duration, string parameter)
    {
        if (duration is not { } value)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, parameter);
        return (long)Math.Ceiling(value.TotalSeconds);
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
