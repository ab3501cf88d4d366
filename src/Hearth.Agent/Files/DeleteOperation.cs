using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;

namespace Hearth.Agent.Files;

/// <summary>
/// <c>fs.delete</c>: removes a file, a symlink (never what it points to) or a directory with
/// everything in it. System directories are refused by path and by identity (the same inode
/// reached another way, a bind mount of <c>/etc</c> say), as are the agent's mounts.
/// </summary>
internal static class DeleteOperation
{
    /// <summary>Oblien's protected paths (oblien-api.md §3.3).</summary>
    public static readonly string[] Protected = ["/", "/bin", "/sbin", "/usr", "/lib", "/lib64", "/etc", "/dev", "/proc", "/sys", "/boot", "/run"];

    public static JsonElement? Run(OperationContext context)
    {
        var path = WorkspacePath.Parse(context.Args(AgentFilesJsonContext.Default.FsPathArgs).Path);
        RefuseProtected(path.Value, path);
        using var parent = StatOperation.OpenParent(path);
        var canonicalParent = WorkspaceRoot.CanonicalPath(parent);
        RefuseProtected(canonicalParent == "/" ? "/" + path.Name : canonicalParent + "/" + path.Name, path);

        var st = WorkspaceRoot.StatAt(parent, path.Name, path.Value) ?? throw FileErrors.From(Libc.ENOENT, path.Value);
        WorkspaceRoot.EnsureVisible(st, path.Value);
        WorkspaceRoot.EnsureWritable(parent, path.Parent);
        foreach (var system in Protected)
        {
            if (Libc.Statx(-100 /* AT_FDCWD */, system, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, out var protectedSt) == 0
                && protectedSt.SameInode(st))
                throw new OperationException("forbidden", $"{path} is {system}, a protected system path");
        }

        if (st.IsDirectory)
        {
            var parentSt = WorkspaceRoot.Stat(parent, path.Parent);
            if (parentSt.MountId != st.MountId)
                throw new OperationException("conflict", $"{path} is a mount point; it is not removed");
            TreeRemover.Remove(parent, path, st.MountId, context.Cancellation);
        }
        else if (Libc.UnlinkAt(parent.Value, path.Name, 0) != 0)
        {
            throw FileErrors.Last(path.Value);
        }

        return OperationContext.Result(new FilePathResponse { Path = path.Value }, AgentFilesJsonContext.Default.FilePathResponse);
    }

    private static void RefuseProtected(string candidate, WorkspacePath path)
    {
        if (Array.IndexOf(Protected, candidate) >= 0)
            throw new OperationException("forbidden", $"{path} is a protected system path and cannot be deleted");
        if (WorkspaceRoot.IsUnder(candidate, "/.hearth") || WorkspaceRoot.IsUnder(candidate, "/.hearth-run"))
            throw new OperationException("forbidden", $"{path} belongs to the workspace agent and cannot be deleted");
    }
}
