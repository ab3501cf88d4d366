using System.Formats.Tar;
using Hearth.Agent.Interop;
using Hearth.Agent.Paths;
using Hearth.Agent.Server.Operations;

namespace Hearth.Agent.Files;

/// <summary>
/// Walks one requested path into a tar (see <see cref="ArchiveOperation"/>), depth-first with
/// an explicit stack of directory descriptors; every file and subdirectory is opened with
/// O_NOFOLLOW relative to its parent's descriptor.
/// </summary>
internal sealed unsafe class ArchiveWriter(OperationContext context, IgnoreRules? exclude)
{
    public int Entries { get; private set; }

    public void Add(TarWriter tar, WorkspacePath path, in Statx st)
    {
        var name = path.IsRoot ? "" : path.Name;
        if (st.IsRegular)
        {
            using var file = ReadOperation.OpenRegular(path, out var opened);
            WriteFile(tar, file, name, opened, path.Value);
            return;
        }

        var stack = new List<(Fd Dir, string Name, DirectoryReader Reader)>();
        try
        {
            var dir = ListOperation.OpenDirectory(path);
            stack.Add((dir, name, new DirectoryReader(dir, path.Value)));
            if (name.Length > 0) Write(tar, new PaxTarEntry(TarEntryType.Directory, name + "/") { Mode = Mode(st), ModificationTime = st.Modified });
            while (stack.Count > 0)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                var (current, prefix, reader) = stack[^1];
                if (!reader.Next(out var entry))
                {
                    stack.RemoveAt(stack.Count - 1);
                    current.Dispose();
                    continue;
                }

                var entryName = prefix.Length == 0 ? entry.Name : prefix + "/" + entry.Name;
                if (AddEntry(tar, current, entry, entryName, path.Value) is { } child)
                {
                    // Each level holds a descriptor and a read buffer: a pathological depth must
                    // end in a clear error, not in EMFILE or PID 1's memory.
                    if (stack.Count >= TreeRemover.MaxDepth)
                    {
                        child.Dispose();
                        throw new OperationException("conflict", $"{path} is more than {TreeRemover.MaxDepth} levels deep");
                    }
                    stack.Add((child, entryName, new DirectoryReader(child, entryName)));
                }
            }
        }
        finally
        {
            foreach (var frame in stack) frame.Dir.Dispose();
        }
    }

    /// <summary>Writes one entry; returns the directory's descriptor when the walk should enter it.</summary>
    private Fd? AddEntry(TarWriter tar, Fd dir, DirectoryEntry entry, string name, string top)
    {
        Statx st;
        int result;
        fixed (byte* raw = entry.RawName)
            result = Libc.Statx(dir.Value, raw, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS | Libc.STATX_MNT_ID, out st);
        if (result != 0) return null; // gone since the directory was read
        if (exclude?.Match(name, st.IsDirectory) == true) return null;
        var where = top + "/" + name;

        if (st.IsDirectory)
        {
            if (WorkspaceRoot.IsHidden(st)) return null;
            Write(tar, new PaxTarEntry(TarEntryType.Directory, name + "/") { Mode = Mode(st), ModificationTime = st.Modified });
            if (WorkspaceRoot.IsPseudoMount(st)) return null;
            int fd;
            fixed (byte* raw = entry.RawName)
                fd = Libc.OpenAt(dir.Value, raw, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
            if (fd < 0) throw FileErrors.Last(where);
            return new Fd(fd);
        }

        if (st.IsSymlink)
        {
            var buffer = stackalloc byte[WorkspacePath.MaxLength];
            nint n;
            fixed (byte* raw = entry.RawName) n = Libc.ReadLinkAt(dir.Value, raw, buffer, WorkspacePath.MaxLength);
            if (n < 0) throw FileErrors.Last(where);
            var target = System.Text.Encoding.UTF8.GetString(buffer, (int)n);
            Write(tar, new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = Mode(st), ModificationTime = st.Modified });
            return null;
        }

        if (!st.IsRegular) return null; // sockets, FIFOs, devices
        int file;
        fixed (byte* raw = entry.RawName)
            file = Libc.OpenAt(dir.Value, raw, Libc.O_RDONLY | Libc.O_NOFOLLOW | Libc.O_NONBLOCK | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
        if (file < 0) throw FileErrors.Last(where);
        using var owned = new Fd(file);
        var opened = WorkspaceRoot.Stat(owned, where);
        if (!opened.IsRegular) return null;
        WriteFile(tar, owned, name, opened, where);
        return null;
    }

    private void WriteFile(TarWriter tar, Fd file, string name, in Statx st, string where)
    {
        using var data = new SnapshotStream(file, (long)st.Size, where);
        Write(tar, new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = Mode(st),
            ModificationTime = st.Modified,
            Uid = (int)st.Uid,
            Gid = (int)st.Gid,
            DataStream = data,
        });
    }

    private void Write(TarWriter tar, PaxTarEntry entry)
    {
        tar.WriteEntry(entry);
        Entries++;
    }

    private static UnixFileMode Mode(in Statx st) => (UnixFileMode)st.Permissions;
}
