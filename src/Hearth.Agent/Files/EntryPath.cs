using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Files;

/// <summary>The checks an archive's names and link targets pass before anything is extracted for them.</summary>
internal static class EntryPath
{
    /// <summary>
    /// The components of a relative entry name (<c>./</c> and empty components dropped);
    /// <c>bad_request</c> for an absolute name or one with <c>..</c>.
    /// </summary>
    public static string[] Split(string name, string what)
    {
        if (name.Contains('\0')) throw new OperationException("bad_request", $"{what} '{name}' contains a NUL character");
        if (name.StartsWith('/')) throw new OperationException("bad_request", $"{what} '{name}' is an absolute path; archive names must be relative");
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains("..")) throw new OperationException("bad_request", $"{what} '{name}' contains '..'");
        if (name.Length > WorkspacePath.MaxLength) throw new OperationException("bad_request", $"{what} '{name[..64]}...' is too long");
        return parts;
    }

    /// <summary>
    /// Whether a symlink at <paramref name="entry"/> (components under dest) pointing at
    /// <paramref name="target"/> stays inside dest: an absolute target must be under dest's own
    /// path, a relative one must never climb above dest, judged component by component.
    /// </summary>
    public static bool LinkStaysInside(string[] entry, string target, string destCanonical)
    {
        if (string.IsNullOrEmpty(target) || target.Contains('\0')) return false;
        if (target.StartsWith('/'))
            return WorkspaceRoot.IsUnder(WorkspacePath.Parse(target).Value, destCanonical) || destCanonical == "/";
        var depth = entry.Length - 1;
        foreach (var part in target.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            depth += part == ".." ? -1 : 1;
            if (depth < 0) return false;
        }

        return true;
    }
}
