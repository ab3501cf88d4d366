using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;

namespace Hearth.Agent.Files;

/// <summary><c>fs.mkdir</c>: <c>mkdir -p</c>; a directory already there is success, anything else there is <c>conflict</c>.</summary>
internal static class MkdirOperation
{
    public static JsonElement? Run(OperationContext context)
    {
        var args = context.Args(AgentFilesJsonContext.Default.FsMkdirArgs);
        var path = WorkspacePath.Parse(args.Path);
        using (var existing = WorkspaceRoot.TryOpen(path, Libc.O_PATH))
        {
            if (existing is not null)
            {
                var st = WorkspaceRoot.Stat(existing, path.Value);
                WorkspaceRoot.EnsureVisible(st, path.Value);
                if (!st.IsDirectory) throw new OperationException("conflict", $"{path} exists and is not a directory");
            }
        }

        using var made = Directories.CreateAll(path, args.Mode ?? Directories.DefaultMode, out _);
        WorkspaceRoot.EnsureVisible(WorkspaceRoot.Stat(made, path.Value), path.Value);
        return OperationContext.Result(new FilePathResponse { Path = path.Value }, AgentFilesJsonContext.Default.FilePathResponse);
    }
}
