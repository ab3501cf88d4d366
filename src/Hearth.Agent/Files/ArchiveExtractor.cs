using System.Formats.Tar;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Files;

/// <summary>Extracts tar entries beneath one destination directory (see <see cref="ExtractOperation"/>).</summary>
internal sealed unsafe class ArchiveExtractor(Fd dest, WorkspacePath destPath, string destCanonical, CancellationToken cancellation)
{
    private const int DefaultFileMode = 0x1A4; // 0644
    private const long UtimeOmit = (1L << 30) - 2; // UTIME_OMIT, linux/stat.h

    private readonly byte[] _buffer = new byte[64 * 1024];
    private string? _lastChecked;

    /// <summary>Entries other than directories written so far.</summary>
    public int FilesExtracted { get; private set; }

    public void Extract(TarEntry entry)
    {
        cancellation.ThrowIfCancellationRequested();
        switch (entry.EntryType)
        {
            case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes or TarEntryType.LongLink or TarEntryType.LongPath:
                return;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                throw new OperationException("bad_request", $"'{entry.Name}' is a device node or FIFO; only files, directories and links are extracted");
            case TarEntryType.Directory:
                Directory(entry);
                return;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                File(entry);
                return;
            case TarEntryType.SymbolicLink:
                Symlink(entry);
                return;
            case TarEntryType.HardLink:
                HardLink(entry);
                return;
            default:
                throw new OperationException("bad_request", $"'{entry.Name}' has an entry type ({entry.EntryType}) that is not extracted");
        }
    }

    /// <summary>Makes everything extracted durable before the result says it is there.</summary>
    public void Sync()
    {
        var fd = Libc.OpenAt(dest.Value, ".", Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd < 0) throw FileErrors.Last(destPath.Value);
        using var owned = new Fd(fd);
        if (Libc.SyncFs(fd) != 0) throw FileErrors.Last(destPath.Value);
    }

    private void Directory(TarEntry entry)
    {
        var parts = EntryPath.Split(entry.Name, "entry");
        if (parts.Length == 0) return; // "./": dest itself
        using var parent = Parent(parts, entry.Name);
        var where = Where(parts);
        if (Directories.MakeOne(parent, parts[^1], Mode(entry, 0x1ED), where)) return;
        if (WorkspaceRoot.StatAt(parent, parts[^1], where.Value) is not { IsDirectory: true })
            throw new OperationException("conflict", $"'{entry.Name}': {where} exists and is not a directory");
    }

    private void File(TarEntry entry)
    {
        var parts = EntryPath.Split(entry.Name, "entry");
        if (parts.Length == 0) throw new OperationException("bad_request", $"'{entry.Name}' is a file entry without a name");
        using var parent = Parent(parts, entry.Name);
        var where = Where(parts);
        Replaceable(parent, parts[^1], where);
        var fd = Libc.OpenAt(parent.Value, parts[^1],
            Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0x180 /* 0600 */);
        if (fd < 0) throw FileErrors.Last(where.Value);
        using var file = new Fd(fd);
        if (entry.DataStream is { } data)
        {
            var output = new FdStream(file, where.Value);
            for (int n; (n = data.Read(_buffer)) > 0;)
            {
                cancellation.ThrowIfCancellationRequested();
                output.Write(_buffer.AsSpan(0, n));
            }
        }

        if (Libc.FChmod(fd, Mode(entry, DefaultFileMode)) != 0) throw FileErrors.Last(where.Value);
        var times = stackalloc TimeSpec[2];
        times[0] = new TimeSpec { Nanoseconds = UtimeOmit };
        times[1] = new TimeSpec { Seconds = entry.ModificationTime.ToUnixTimeSeconds() };
        Libc.FUtimens(fd, times);
        FilesExtracted++;
    }

    private void Symlink(TarEntry entry)
    {
        var parts = EntryPath.Split(entry.Name, "entry");
        if (parts.Length == 0) throw new OperationException("bad_request", $"'{entry.Name}' is a symlink entry without a name");
        var target = entry.LinkName;
        if (!EntryPath.LinkStaysInside(parts, target, destCanonical))
            throw new OperationException("bad_request", $"'{entry.Name}' is a symlink to '{target}', outside dest {destPath}");
        using var parent = Parent(parts, entry.Name);
        var where = Where(parts);
        Replaceable(parent, parts[^1], where);
        if (Libc.SymlinkAt(target, parent.Value, parts[^1]) != 0) throw FileErrors.Last(where.Value);
        FilesExtracted++;
    }

    private void HardLink(TarEntry entry)
    {
        var parts = EntryPath.Split(entry.Name, "entry");
        var source = EntryPath.Split(entry.LinkName, "link target");
        if (parts.Length == 0 || source.Length == 0)
            throw new OperationException("bad_request", $"'{entry.Name}' is a hard link without a name or target");
        using var sourceParent = Parent(source, entry.Name, create: false);
        using var parent = Parent(parts, entry.Name);
        var where = Where(parts);
        Replaceable(parent, parts[^1], where);
        if (Libc.LinkAt(sourceParent.Value, source[^1], parent.Value, parts[^1], 0) != 0) throw FileErrors.Last(where.Value);
        FilesExtracted++;
    }

    /// <summary>
    /// The directory an entry goes in, resolved beneath dest and created (one component at a
    /// time) where missing, and allowed to be written to.
    /// </summary>
    private Fd Parent(string[] parts, string entryName, bool create = true)
    {
        var relative = parts.Length == 1 ? "." : string.Join('/', parts[..^1]);
        var fd = Open(relative);
        if (fd < 0 && Libc.Errno == Libc.ENOENT && create)
        {
            var made = ".";
            for (var i = 0; i < parts.Length - 1; i++)
            {
                var next = made == "." ? parts[i] : made + "/" + parts[i];
                var step = Open(next);
                if (step < 0 && Libc.Errno == Libc.ENOENT)
                {
                    using (var above = Beneath(made, entryName))
                    {
                        EnsureWritable(above, made);
                        Directories.MakeOne(above, parts[i], Directories.DefaultMode, destPath.Append(next));
                    }

                    step = Open(next);
                }

                if (step < 0) throw Escape(Libc.Errno, entryName, next);
                Libc.Close(step);
                made = next;
            }

            fd = Open(relative);
        }

        if (fd < 0) throw Escape(Libc.Errno, entryName, relative);
        var parent = new Fd(fd);
        try
        {
            EnsureWritable(parent, relative);
            return parent;
        }
        catch
        {
            parent.Dispose();
            throw;
        }
    }

    private Fd Beneath(string relative, string entryName)
    {
        var fd = Open(relative);
        if (fd < 0) throw Escape(Libc.Errno, entryName, relative);
        return new Fd(fd);
    }

    /// <summary>
    /// Beneath dest: RESOLVE_BENEATH (no <c>..</c> above it, no absolute symlinks). When dest is
    /// the workspace root, everything in the workspace is beneath it, and absolute symlinks
    /// resolve in the root as they do for the workspace's own processes (RESOLVE_IN_ROOT).
    /// </summary>
    private int Open(string relative) => destCanonical == "/"
        ? WorkspaceRoot.OpenInRoot(dest, relative, Libc.O_PATH | Libc.O_DIRECTORY)
        : WorkspaceRoot.OpenBeneath(dest, relative, Libc.O_PATH | Libc.O_DIRECTORY);

    /// <summary>The write rules (not the agent's mounts, not /proc, /sys, /dev), checked once per directory in a row.</summary>
    private void EnsureWritable(Fd dir, string relative)
    {
        if (relative == _lastChecked) return;
        WorkspaceRoot.EnsureWritable(dir, destPath.Append(relative == "." ? "" : relative).Value);
        _lastChecked = relative;
    }

    private OperationException Escape(int errno, string entryName, string relative) => errno switch
    {
        Libc.EXDEV or Libc.ELOOP =>
            new("bad_request", $"'{entryName}' leads outside dest {destPath} through a symlink ({relative})"),
        _ => FileErrors.From(errno, destPath.Append(relative).Value),
    };

    /// <summary>What is in the way of a new file, link or symlink goes (as tar does); a directory stays and is a conflict.</summary>
    private static void Replaceable(Fd parent, string name, WorkspacePath where)
    {
        if (Libc.UnlinkAt(parent.Value, name, 0) == 0) return;
        var errno = Libc.Errno;
        if (errno == Libc.ENOENT) return;
        if (errno is Libc.EISDIR or Libc.EPERM)
            throw new OperationException("conflict", $"{where} is a directory; the archive has a file there");
        throw FileErrors.From(errno, where.Value);
    }

    private WorkspacePath Where(string[] parts) => destPath.Append(string.Join('/', parts));

    private static int Mode(TarEntry entry, int fallback)
    {
        var mode = (int)entry.Mode & 0xFFF;
        return mode == 0 ? fallback : mode;
    }
}
