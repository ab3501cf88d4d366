using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;

namespace Hearth.Agent.Files;

/// <summary><c>fs.stat</c>: what <c>lstat</c> says about a path (a symlink is described, not followed).</summary>
internal static class StatOperation
{
    public static JsonElement? Run(OperationContext context)
    {
        var path = WorkspacePath.Parse(context.Args(AgentFilesJsonContext.Default.FsPathArgs).Path);
        Statx st;
        string? target = null;
        if (path.IsRoot)
        {
            using var root = WorkspaceRoot.Open(path, Libc.O_PATH | Libc.O_DIRECTORY);
            st = WorkspaceRoot.Stat(root, path.Value);
        }
        else
        {
            using var parent = OpenParent(path);
            st = WorkspaceRoot.StatAt(parent, path.Name, path.Value) ?? throw FileErrors.From(Libc.ENOENT, path.Value);
            if (st.IsSymlink) target = ReadLink(parent, path.Name, path.Value);
        }

        WorkspaceRoot.EnsureVisible(st, path.Value);
        var response = new FileStatResponse
        {
            Path = path.Value,
            Name = path.IsRoot ? "/" : path.Name,
            Type = st.TypeName,
            Size = (long)st.Size,
            Modified = st.Modified,
            Permissions = Convert.ToString(st.Permissions, 8).PadLeft(4, '0'),
            IsCode = !st.IsDirectory && CodeFiles.IsCode(path.Name),
            Extension = st.IsDirectory ? null : CodeFiles.ExtensionOf(path.Name),
            SymlinkTarget = target,
        };
        return OperationContext.Result(response, AgentFilesJsonContext.Default.FileStatResponse);
    }

    /// <summary>The directory holding <paramref name="path"/> (symlinks followed), which must be visible; <c>not_found</c> naming the full path.</summary>
    public static Fd OpenParent(WorkspacePath path)
    {
        var parent = WorkspaceRoot.TryOpen(WorkspacePath.Parse(path.Parent), Libc.O_PATH | Libc.O_DIRECTORY)
            ?? throw FileErrors.From(Libc.ENOENT, path.Value);
        try
        {
            WorkspaceRoot.EnsureVisible(WorkspaceRoot.Stat(parent, path.Parent), path.Value);
            return parent;
        }
        catch
        {
            parent.Dispose();
            throw;
        }
    }

    public static unsafe string ReadLink(Fd parent, string name, string path)
    {
        var buffer = stackalloc byte[WorkspacePath.MaxLength];
        var n = Libc.ReadLinkAt(parent.Value, name, buffer, WorkspacePath.MaxLength);
        if (n < 0) throw FileErrors.Last(path);
        return System.Text.Encoding.UTF8.GetString(buffer, (int)n);
    }
}
