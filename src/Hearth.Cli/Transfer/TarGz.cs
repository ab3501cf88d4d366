using System.Formats.Tar;
using System.IO.Compression;

namespace Hearth.Cli.Transfer;

/// <summary>
/// The archives of <c>hearth cp</c>: a local file or tree packed as tar.gz as it is read, and a
/// downloaded tar.gz unpacked under a chosen name. Symbolic links are kept as links, never followed.
/// </summary>
internal static class TarGz
{
    /// <summary>Writes <paramref name="localPath"/> (a file or a directory tree) as tar.gz, its top entry named <paramref name="topName"/>.</summary>
    public static async Task PackAsync(string localPath, string topName, Stream output, CancellationToken cancellationToken)
    {
        await using var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            await tar.WriteEntryAsync(localPath, topName, cancellationToken);
            if (Directory.Exists(localPath) && !File.GetAttributes(localPath).HasFlag(FileAttributes.ReparsePoint))
            {
                await PackTreeAsync(tar, localPath, topName, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Extracts a downloaded archive of <paramref name="remotePath"/> so that the remote path itself
    /// lands at <paramref name="localRoot"/> (a file, or a directory with everything under it).
    /// Entry names may be the full path without its leading '/' (<c>app/src/a.ts</c>), relative to the
    /// path's directory (<c>src/a.ts</c>), or relative to the path itself (<c>a.ts</c>); all three work.
    /// </summary>
    /// <returns>How many entries were written.</returns>
    public static async Task<int> UnpackAsync(Stream tarGz, string remotePath, string localRoot, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(localRoot);
        var count = 0;
        string? prefix = null;
        // Links are made last: an entry written after a link could otherwise go through it
        // (`a -> /etc`, then `a/passwd`) to a place outside the destination.
        var links = new List<(string Target, string LinkName)>();
        await using var gzip = new GZipStream(tarGz, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(gzip, leaveOpen: true);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            var relative = RelativeName(entry.Name, remotePath, ref prefix);
            var target = Path.GetFullPath(relative.Length == 0 ? root : Path.Combine(root, relative));
            if (target != root && !target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new CliException($"the archive has an entry outside the destination: {entry.Name}");
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    RefuseLinksOnTheWay(root, target, entry.Name);
                    Directory.CreateDirectory(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    RefuseLinksOnTheWay(root, target, entry.Name);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await entry.ExtractToFileAsync(target, overwrite: true, cancellationToken);
                    break;
                case TarEntryType.SymbolicLink:
                    links.Add((target, entry.LinkName));
                    break;
                default:
                    // Devices, fifos and hard links have no place in a copy of files.
                    continue;
            }

            count++;
        }

        foreach (var (target, linkName) in links)
        {
            RefuseLinksOnTheWay(root, target, target);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (Directory.Exists(target) && new DirectoryInfo(target).LinkTarget is null)
                throw new CliException($"the archive has a link where a directory is: {target}");
            File.Delete(target);
            File.CreateSymbolicLink(target, linkName);
        }

        return count;
    }

    /// <summary>Refuses a target whose way down from <paramref name="root"/> passes through a symbolic link.</summary>
    private static void RefuseLinksOnTheWay(string root, string target, string name)
    {
        var relative = Path.GetRelativePath(root, Path.GetDirectoryName(target) ?? root);
        if (relative == ".") return;
        var at = root;
        foreach (var part in relative.Split(Path.DirectorySeparatorChar))
        {
            at = Path.Combine(at, part);
            if (new FileInfo(at).LinkTarget is not null)
                throw new CliException($"the archive has an entry under a symbolic link: {name}");
        }
    }

    /// <summary>
    /// An entry's name relative to the downloaded path ("" for the path itself). The first entry decides
    /// how the archive names things (<paramref name="prefix"/>: the full path, the last segment, or
    /// nothing), so that a subdirectory that happens to share the path's name is not mistaken for it.
    /// </summary>
    internal static string RelativeName(string entryName, string remotePath, ref string? prefix)
    {
        var name = entryName.Replace('\\', '/');
        while (name.StartsWith("./", StringComparison.Ordinal))
        {
            name = name[2..];
        }

        name = name.Trim('/');
        prefix ??= new[] { remotePath.Trim('/'), RemotePath.BaseName(remotePath) }
            .FirstOrDefault(p => p.Length > 0 && Under(name, p)) ?? "";
        return prefix.Length > 0 && Under(name, prefix) ? name[prefix.Length..].TrimStart('/') : name;
    }

    private static bool Under(string name, string prefix) =>
        name == prefix || name.StartsWith(prefix + "/", StringComparison.Ordinal);

    private static async Task PackTreeAsync(TarWriter tar, string directory, string name, CancellationToken cancellationToken)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var entryName = name + "/" + Path.GetFileName(path);
            await tar.WriteEntryAsync(path, entryName, cancellationToken);

            // A link to a directory is written as a link and not entered.
            if (Directory.Exists(path) && !File.GetAttributes(path).HasFlag(FileAttributes.ReparsePoint))
            {
                await PackTreeAsync(tar, path, entryName, cancellationToken);
            }
        }
    }
}
