using System.Security.Cryptography;
using System.Text;
using Hearth.Runtime.Interop;

namespace Hearth.Runtime.Images;

/// <summary>
/// The content address of a built layer: SHA-256 over every entry of its tree in ordinal path
/// order - path, type and mode bits, owner, and the file's bytes, the link's target or the
/// device number. Modification times are left out, so rebuilding identical content gives the
/// same id. The overlay's opaque-directory mark is part of a directory's identity.
/// </summary>
internal static class TreeDigest
{
    public sealed record Result(string Digest, long Files, long Bytes);

    public static Result Compute(string tree, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long files = 0, bytes = 0;
        var buffer = new byte[1 << 16];
        foreach (var relative in Walk(tree, ""))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = relative.Length == 0 ? tree : Path.Combine(tree, relative);
            var status = FileStatus.Of(path);
            var header = $"{relative}\0{status.Mode:x}\0{status.Uid}\0{status.Gid}\0";
            hash.AppendData(Encoding.UTF8.GetBytes(header));
            switch (status.Type)
            {
                case FileStatus.S_IFREG:
                    files++;
                    bytes += status.Size;
                    hash.AppendData(Encoding.UTF8.GetBytes($"{status.Size}\0"));
                    using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
                    {
                        int read;
                        while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
                    }
                    break;
                case FileStatus.S_IFLNK:
                    hash.AppendData(Encoding.UTF8.GetBytes(new FileInfo(path).LinkTarget ?? ""));
                    break;
                case FileStatus.S_IFDIR:
                    hash.AppendData(Encoding.UTF8.GetBytes(OverlayXattrs.IsOpaque(path) ? "opaque" : ""));
                    break;
                default:
                    hash.AppendData(Encoding.UTF8.GetBytes($"{status.Rdev:x}"));
                    break;
            }
            hash.AppendData("\n"u8);
        }
        return new Result(Convert.ToHexStringLower(hash.GetHashAndReset()), files, bytes);
    }

    /// <summary>Every entry below <paramref name="root"/>, parents before children, siblings in ordinal order; symlinks are not followed.</summary>
    private static IEnumerable<string> Walk(string root, string relative)
    {
        yield return relative;
        var dir = relative.Length == 0 ? root : Path.Combine(root, relative);
        var names = new DirectoryInfo(dir).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
            .Select(i => (i.Name, IsDir: i.Attributes.HasFlag(FileAttributes.Directory) && i.LinkTarget is null))
            .OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var (name, isDir) in names)
        {
            var child = relative.Length == 0 ? name : $"{relative}/{name}";
            if (isDir)
                foreach (var entry in Walk(root, child)) yield return entry;
            else
                yield return child;
        }
    }
}
