using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Paths;

/// <summary>
/// A path from an API client, cleaned lexically as Go's <c>path.Clean</c> does: relative paths
/// are relative to <c>/</c>, empty and <c>.</c> components go, and <c>..</c> removes the
/// component before it (never climbing above <c>/</c>). The cleaning only makes paths
/// predictable and the last component a plain name; safety comes from the kernel resolving the
/// result inside the workspace root (<see cref="WorkspaceRoot"/>).
/// </summary>
internal sealed class WorkspacePath
{
    /// <summary>PATH_MAX, limits.h.</summary>
    public const int MaxLength = 4096;

    private WorkspacePath(string path, string parent, string name)
    {
        Value = path;
        Parent = parent;
        Name = name;
    }

    /// <summary>The cleaned absolute path: <c>/</c> or <c>/a/b</c>.</summary>
    public string Value { get; }

    /// <summary>The directory holding <see cref="Name"/> (<c>/</c> for the root itself).</summary>
    public string Parent { get; }

    /// <summary>The last component, never <c>.</c> or <c>..</c>; empty for the root.</summary>
    public string Name { get; }

    public bool IsRoot => Name.Length == 0;

    public override string ToString() => Value;

    /// <summary>Cleans <paramref name="raw"/>; <c>bad_request</c> naming <paramref name="field"/> when it is missing or malformed.</summary>
    public static WorkspacePath Parse(string? raw, string field = "path")
    {
        if (string.IsNullOrEmpty(raw)) throw new OperationException("bad_request", $"{field} is required");
        if (raw.Contains('\0')) throw new OperationException("bad_request", $"{field} must not contain NUL characters");
        if (raw.Length > MaxLength) throw new OperationException("bad_request", $"{field} is longer than {MaxLength} characters");
        var parts = new List<string>();
        foreach (var part in raw.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return FromParts(parts);
    }

    /// <summary><paramref name="relative"/> (already clean, no leading slash) below this path.</summary>
    public WorkspacePath Append(string relative) => Parse(IsRoot ? "/" + relative : Value + "/" + relative);

    private static WorkspacePath FromParts(List<string> parts)
    {
        if (parts.Count == 0) return new WorkspacePath("/", "/", "");
        var path = "/" + string.Join('/', parts);
        var parent = parts.Count == 1 ? "/" : "/" + string.Join('/', parts.Take(parts.Count - 1));
        return new WorkspacePath(path, parent, parts[^1]);
    }
}
