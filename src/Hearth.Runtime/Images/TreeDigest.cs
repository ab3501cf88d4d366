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
    /// <summary>The digest, the regular files and their bytes (a hard-linked file once, as <see cref="LayerTree.SizeOf"/> counts).</summary>
    public sealed record Result(string Digest, long Files, long Bytes);

    public static Result Compute(string tree, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        long files = 0, bytes = 0;
        var buffer = new byte[1 << 16];
        var entries = LayerTree.Walk(tree).Select(e => Path.GetRelativePath(tree, e.Path)).Prepend("").Order(StringComparer.Ordinal);
        foreach (var relative in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var path = relative.Length == 0 ? tree : Path.Combine(tree, relative);
            var status = FileStatus.Of(path);
            hash.AppendData(Encoding.UTF8.GetBytes($"{relative}\0{status.Mode:x}\0{status.Uid}\0{status.Gid}\0"));
            switch (status.Type)
            {
                case FileStatus.S_IFREG:
                    files++;
                    if (LayerTree.IsFirstLink(status, seen)) bytes += status.Size;
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
                    hash.AppendData(Encoding.UTF8.GetBytes(LayerTree.IsOpaque(path) ? "opaque" : ""));
                    break;
                default:
                    hash.AppendData(Encoding.UTF8.GetBytes($"{status.Rdev:x}"));
                    break;
            }
            hash.AppendData("\n"u8);
        }
        return new Result(Convert.ToHexStringLower(hash.GetHashAndReset()), files, bytes);
    }
}
