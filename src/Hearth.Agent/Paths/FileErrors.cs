using Hearth.Agent.Interop;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Paths;

/// <summary>Turns an errno from a file system call into the operation error the API reports, naming the path.</summary>
internal static class FileErrors
{
    public static OperationException From(int errno, string path) => errno switch
    {
        Libc.ENOENT => new("not_found", $"no such file or directory: {path}"),
        Libc.ENOTDIR => new("bad_request", $"not a directory: a component of {path} is a file"),
        Libc.EISDIR => new("bad_request", $"is a directory: {path}"),
        Libc.EEXIST => new("conflict", $"already exists: {path}"),
        Libc.ENOTEMPTY => new("conflict", $"directory not empty: {path}"),
        Libc.EBUSY => new("conflict", $"busy (a mount point?): {path}"),
        Libc.EACCES or Libc.EPERM => new("forbidden", $"permission denied: {path}"),
        Libc.EROFS => new("forbidden", $"read-only file system: {path}"),
        Libc.EXDEV => new("forbidden", $"{path} leads outside the directory it must stay in"),
        Libc.ELOOP => new("bad_request", $"too many levels of symbolic links, or a /proc magic link (never followed): {path}"),
        Libc.ENAMETOOLONG => new("bad_request", $"file name too long: {path}"),
        Libc.EINVAL => new("bad_request", $"invalid argument: {path}"),
        Libc.ENOSPC or Libc.EDQUOT => new("no_space", $"no space left on the workspace disk: {path}"),
        Libc.EFBIG => new("too_large", $"file too large: {path}"),
        Libc.EMLINK => new("conflict", $"too many links: {path}"),
        _ => new("io_error", $"{path}: {Libc.Describe(errno)}"),
    };

    /// <summary>Throws for the errno of the call that just failed.</summary>
    public static OperationException Last(string path) => From(Libc.Errno, path);
}
