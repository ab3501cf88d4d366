using System.Text.Json;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Files;

/// <summary>
/// <c>fs.write</c>: the operation's input becomes the file. Replacing is atomic: the bytes go
/// to a temporary file in the same directory, which is fsync'd, given the mode (the one asked
/// for, else the old file's, else 0644) and the old file's owner, and renamed over the target;
/// then the directory is fsync'd. Readers see the old file or the new one, never a mix, and a
/// failure leaves the old file. Appending writes in place.
/// </summary>
internal static class WriteOperation
{
    private const int DefaultMode = 0x1A4; // 0644
    private const int ChunkSize = 64 * 1024;

    public static JsonElement? Run(OperationContext context)
    {
        var args = context.Args(AgentFilesJsonContext.Default.FsWriteArgs);
        var path = WorkspacePath.Parse(args.Path);
        if (path.IsRoot) throw new OperationException("bad_request", "is a directory: /");

        var (parent, parentPath, name) = Target(path, args.CreateDirs != false);
        using (parent)
        {
            WorkspaceRoot.EnsureWritable(parent, parentPath.Value);
            var existing = WorkspaceRoot.StatAt(parent, name, path.Value);
            if (existing is { IsDirectory: true }) throw new OperationException("bad_request", $"is a directory: {path}");
            if (existing is { IsRegular: false, IsSymlink: false })
                throw new OperationException("bad_request", $"not a regular file: {path}");
            if (existing is { } e) WorkspaceRoot.EnsureVisible(e, path.Value);
            var size = args.Append
                ? Append(context, parent, name, path, args.Mode, existing is null)
                : Replace(context, parent, name, path, args.Mode, existing is { IsRegular: true } old ? old : null);
            return OperationContext.Result(new FsWriteResult { Path = path.Value, Size = size }, AgentFilesJsonContext.Default.FsWriteResult);
        }
    }

    /// <summary>
    /// The directory to write in and the name there: the path's own parent (created when
    /// allowed), or, when the path is a symlink to an existing file, that file's (resolved
    /// inside the workspace). A dangling symlink is replaced itself.
    /// </summary>
    private static (Fd Parent, WorkspacePath ParentPath, string Name) Target(WorkspacePath path, bool createDirs)
    {
        var parentPath = WorkspacePath.Parse(path.Parent);
        var parent = WorkspaceRoot.TryOpen(parentPath, Libc.O_PATH | Libc.O_DIRECTORY);
        if (parent is null)
        {
            if (!createDirs)
                throw new OperationException("not_found", $"the parent directory {parentPath} does not exist (create_dirs is false): {path}");
            parent = Directories.CreateAll(parentPath, Directories.DefaultMode, out _);
        }

        if (WorkspaceRoot.StatAt(parent, path.Name, path.Value) is not { IsSymlink: true }) return (parent, parentPath, path.Name);

        using var target = WorkspaceRoot.TryOpen(path, Libc.O_PATH);
        var canonical = target is null ? "" : WorkspaceRoot.CanonicalPath(target);
        if (!canonical.StartsWith('/')) return (parent, parentPath, path.Name);
        parent.Dispose();
        var resolved = WorkspacePath.Parse(canonical);
        var resolvedParent = WorkspacePath.Parse(resolved.Parent);
        return (WorkspaceRoot.Open(resolvedParent, Libc.O_PATH | Libc.O_DIRECTORY), resolvedParent, resolved.Name);
    }

    private static long Replace(OperationContext context, Fd parent, string name, WorkspacePath path, int? mode, Statx? old)
    {
        var temp = TempName(name);
        var fd = Libc.OpenAt(parent.Value, temp,
            Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x180 /* 0600 */);
        if (fd < 0) throw FileErrors.Last(path.Value);
        try
        {
            long size;
            using (var file = new Fd(fd))
            {
                size = CopyInput(context, file, path.Value);
                if (Libc.FChmod(fd, mode ?? old?.Permissions ?? DefaultMode) != 0) throw FileErrors.Last(path.Value);
                // Root in the workspace may give the file back to its owner; anything else keeps the agent's.
                if (old is { } o && Libc.FChown(fd, o.Uid, o.Gid) != 0 && Libc.Errno != Libc.EPERM)
                    throw FileErrors.Last(path.Value);
                if (Libc.FSync(fd) != 0) throw FileErrors.Last(path.Value);
            }

            if (Libc.RenameAt(parent.Value, temp, parent.Value, name) != 0) throw FileErrors.Last(path.Value);
            SyncDirectory(parent, path.Value);
            return size;
        }
        catch
        {
            Libc.UnlinkAt(parent.Value, temp, 0);
            throw;
        }
    }

    private static long Append(OperationContext context, Fd parent, string name, WorkspacePath path, int? mode, bool created)
    {
        var fd = Libc.OpenAt(parent.Value, name,
            Libc.O_WRONLY | Libc.O_APPEND | Libc.O_CREAT | Libc.O_NOFOLLOW | Libc.O_CLOEXEC | Libc.O_NONBLOCK,
            mode ?? DefaultMode);
        if (fd < 0) throw FileErrors.Last(path.Value);
        using var file = new Fd(fd);
        var st = WorkspaceRoot.Stat(file, path.Value);
        if (!st.IsRegular) throw new OperationException("bad_request", $"not a regular file: {path}");
        if ((created || mode is not null) && Libc.FChmod(fd, mode ?? DefaultMode) != 0) throw FileErrors.Last(path.Value);
        CopyInput(context, file, path.Value);
        if (Libc.FSync(fd) != 0) throw FileErrors.Last(path.Value);
        return (long)WorkspaceRoot.Stat(file, path.Value).Size;
    }

    private static long CopyInput(OperationContext context, Fd file, string path)
    {
        var output = new FdStream(file, path);
        var buffer = new byte[ChunkSize];
        long total = 0;
        for (int n; (n = context.Input.Read(buffer)) > 0; total += n)
            output.Write(buffer.AsSpan(0, n));
        return total;
    }

    private static void SyncDirectory(Fd directory, string path)
    {
        var fd = Libc.OpenAt(directory.Value, ".", Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw FileErrors.Last(path);
        using var owned = new Fd(fd);
        if (Libc.FSync(fd) != 0) throw FileErrors.Last(path);
    }

    /// <summary>A hidden name beside the target, unique per call, within NAME_MAX (255 bytes).</summary>
    private static string TempName(string name)
    {
        var stem = name.Length > 40 ? name[..40] : name;
        return $".{stem}.{Random.Shared.NextInt64():x16}.hearth-tmp";
    }
}
