using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Paths;

/// <summary>Turns an errno from a file system call into the operation error the API reports, naming the path.</summary>
internal static class FileErrors
{
    public static OperationException From(int errno, string path) => errno switch
    {
        FileCalls.ENOENT => new("not_found", $"no such file or directory: {path}"),
        FileCalls.ENOTDIR => new("bad_request", $"not a directory: a component of {path} is a file"),
        FileCalls.EISDIR => new("bad_request", $"is a directory: {path}"),
        FileCalls.EEXIST => new("conflict", $"already exists: {path}"),
        FileCalls.ENOTEMPTY => new("conflict", $"directory not empty: {path}"),
        FileCalls.EBUSY => new("conflict", $"busy (a mount point?): {path}"),
        FileCalls.EACCES or FileCalls.EPERM => new("forbidden", $"permission denied: {path}"),
        FileCalls.EROFS => new("forbidden", $"read-only file system: {path}"),
        FileCalls.EXDEV => new("forbidden", $"{path} leads outside the directory it must stay in"),
        FileCalls.ELOOP => new("bad_request", $"too many levels of symbolic links, or a /proc magic link (never followed): {path}"),
        FileCalls.ENAMETOOLONG => new("bad_request", $"file name too long: {path}"),
        FileCalls.EINVAL => new("bad_request", $"invalid argument: {path}"),
        FileCalls.ENOSPC or FileCalls.EDQUOT => new("no_space", $"no space left on the workspace disk: {path}"),
        FileCalls.EFBIG => new("too_large", $"file too large: {path}"),
        FileCalls.EMLINK => new("conflict", $"too many links: {path}"),
        _ => new("io_error", $"{path}: {Interop.Libc.Describe(errno)}"),
    };

    /// <summary>Throws for the errno of the call that just failed.</summary>
    public static OperationException Last(string path) => From(FileCalls.Errno, path);
}
