using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Files;

/// <summary>
/// <c>fs.list</c>: a directory's entries as NDJSON data frames, the body of
/// <c>GET /files/stream</c> as it is and the source the gateway builds <c>GET /files</c> from:
/// <c>{"event":"start","path"}</c>, one object per entry in depth-first pre-order (a
/// directory's entries follow it), <c>{"event":"done","count","truncated"}</c>.
/// </summary>
internal static class ListOperation
{
    public static JsonElement? Run(OperationContext context)
    {
        var args = context.Args(AgentFilesJsonContext.Default.FsListArgs);
        var path = WorkspacePath.Parse(string.IsNullOrEmpty(args.Path) ? "/" : args.Path);
        if (args.MaxDepth < 1) throw new OperationException("bad_request", "max_depth must be at least 1");
        if (args.Limit < 1) throw new OperationException("bad_request", "limit must be at least 1");
        using var top = OpenDirectory(path);
        using (var data = context.OpenData())
            new TreeLister(args, path, data, context.Cancellation).Run(top);
        return null;
    }

    /// <summary>Opens a directory for reading after an O_PATH look, so a device or FIFO at the path is never opened.</summary>
    public static Fd OpenDirectory(WorkspacePath path)
    {
        Statx st;
        using (var look = WorkspaceRoot.Open(path, Libc.O_PATH))
        {
            st = WorkspaceRoot.Stat(look, path.Value);
            WorkspaceRoot.EnsureVisible(st, path.Value);
            if (!st.IsDirectory) throw new OperationException("bad_request", $"not a directory: {path}");
        }

        var dir = WorkspaceRoot.Open(path, Libc.O_RDONLY | Libc.O_DIRECTORY);
        if (!WorkspaceRoot.Stat(dir, path.Value).SameInode(st))
        {
            dir.Dispose();
            throw new OperationException("conflict", $"{path} was replaced while it was being opened; try again");
        }

        return dir;
    }
}
