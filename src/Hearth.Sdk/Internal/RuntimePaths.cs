using System.Globalization;
using System.Text;

namespace Hearth.Sdk.Internal;

/// <summary>
/// Paths on the runtime gateway, relative to its address, with the query names of the official SDK.
/// Query values are written as the official SDK writes them (<c>String(v)</c>: <c>true</c>, <c>42</c>);
/// absent values are left out.
/// </summary>
internal static class RuntimePaths
{
    /// <summary>A path with one caller-supplied segment (a task, terminal or watcher id), escaped.</summary>
    public static string Item(string prefix, string id, string? suffix = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);

        // Uri resolves "." and ".." segments away: "exec/.." would address the gateway root.
        if (id is "." or "..")
        {
            throw new ArgumentException($"'{id}' is not an id.", nameof(id));
        }

        var path = prefix + "/" + Uri.EscapeDataString(id);
        return suffix is null ? path : path + "/" + suffix;
    }

    public static string Query(string path, params (string Name, object? Value)[] parameters)
    {
        var builder = new StringBuilder(path);
        var separator = '?';
        foreach (var (name, value) in parameters)
        {
            var text = value switch
            {
                null => null,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            if (text is null)
            {
                continue;
            }

            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(text));
            separator = '&';
        }

        return builder.ToString();
    }
}
