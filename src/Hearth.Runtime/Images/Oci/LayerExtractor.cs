using System.Formats.Tar;
using System.Text;
using static Hearth.Runtime.Interop.LayerSyscalls;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// Writes one OCI layer (an uncompressed tar) into an empty folder in overlayfs lower-layer
/// format: a whiteout <c>.wh.NAME</c> becomes a character device 0/0 named NAME, an opaque marker
/// <c>.wh..wh..opq</c> becomes the xattr <c>trusted.overlay.opaque=y</c> on its directory
/// (overlayfs.rst, "whiteouts and opaque directories"; image-spec layer.md, "Whiteouts").
/// </summary>
/// <remarks>
/// The invariant: nothing is written outside <c>treeDir</c>. Every entry's parent is opened one
/// component at a time with openat2(2) <c>RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS</c>, and the
/// entry itself is created with a *at(2) call on that descriptor that never follows a final
/// symlink, so a symlink in the layer (stored verbatim) can never redirect a later write. Paths
/// with <c>..</c>, absolute paths, NUL, device nodes and hard links that leave the layer are
/// refused as <c>invalid_layer</c>; on any exception the caller deletes the folder.
/// </remarks>
internal static class LayerExtractor
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueMarker = ".wh..wh..opq";
    private const string MetaPrefix = ".wh..wh.";
    private const string CapabilityPaxKey = "SCHILY.xattr.security.capability";
    private const ulong Beneath = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

    public static LayerStats Extract(Stream uncompressedTar, string treeDir, CancellationToken cancellationToken)
    {
        var rootFd = OpenAt(AT_FDCWD, treeDir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW, 0);
        if (rootFd < 0) throw new IOException($"open {treeDir}: {Describe(Errno)}");
        try
        {
            var state = new State(rootFd);
            using (var reader = new TarReader(uncompressedTar, leaveOpen: true))
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var entry = Guard<TarEntry?>(() => reader.GetNextEntry(), state.Current);
                    if (entry is null) break;
                    state.Current = entry.Name;
                    Guard(() => Apply(state, entry), entry.Name);
                }
            }
            // Read to the end so that a digest-checking stream underneath sees EOF (tar padding
            // after the end-of-archive blocks is part of the digested blob).
            Guard(() => uncompressedTar.CopyTo(Stream.Null), state.Current);
            state.ApplyDirectoryTimes();
            return new LayerStats(state.Files, state.Bytes);
        }
        finally
        {
            _ = Close(rootFd);
        }
    }

    private static void Apply(State state, TarEntry entry)
    {
        var parts = SplitName(entry.Name, entry.Name);
        switch (entry.EntryType)
        {
            case TarEntryType.GlobalExtendedAttributes:
                return;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                throw Invalid($"{entry.Name}: device nodes are not allowed in a layer");
            case TarEntryType.SparseFile or TarEntryType.MultiVolume or TarEntryType.TapeVolume or TarEntryType.RenamedOrSymlinked:
                throw Invalid($"{entry.Name}: unsupported tar entry type {entry.EntryType}");
        }

        if (parts.Length == 0)
        {
            if (entry.EntryType != TarEntryType.Directory)
                throw Invalid($"{entry.Name}: the layer root must be a directory");
            ApplyDirectory(state, state.RootFd, ".", "", entry);
            return;
        }

        var name = parts[^1];
        var parentFd = state.OpenParent(parts, parts.Length - 1, entry.Name, create: true);
        try
        {
            if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                ApplyWhiteout(state, parentFd, parts, entry);
                return;
            }
            var relative = string.Join('/', parts);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    ApplyDirectory(state, parentFd, name, relative, entry);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    ApplyFile(state, parentFd, name, entry);
                    break;
                case TarEntryType.SymbolicLink:
                    ApplySymlink(state, parentFd, name, entry);
                    break;
                case TarEntryType.HardLink:
                    ApplyHardLink(state, parentFd, name, relative, entry);
                    break;
                case TarEntryType.Fifo:
                    Replace(state, parentFd, name, keepDirectory: false);
                    Check(MknodAt(parentFd, name, S_IFIFO | 0x180 /* 0600 */, 0), "mknod", entry.Name);
                    SetOwnerModeTimes(parentFd, name, entry, chmod: true);
                    state.Files++;
                    break;
                default:
                    throw Invalid($"{entry.Name}: unsupported tar entry type {entry.EntryType}");
            }
        }
        finally
        {
            if (parentFd != state.RootFd) _ = Close(parentFd);
        }
    }

    private static void ApplyWhiteout(State state, int parentFd, string[] parts, TarEntry entry)
    {
        var name = parts[^1];
        if (name == OpaqueMarker)
        {
            var dirFd = OpenAt(parentFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
            Check(dirFd, "open", entry.Name);
            try
            {
                SetXattr(dirFd, "trusted.overlay.opaque", "y"u8, entry.Name);
            }
            finally
            {
                _ = Close(dirFd);
            }
            return;
        }
        // Other .wh..wh. names are reserved for the tooling (image-spec layer.md) and carry nothing.
        if (name.StartsWith(MetaPrefix, StringComparison.Ordinal)) return;

        var hidden = name[WhiteoutPrefix.Length..];
        if (hidden is "" or "." or "..") throw Invalid($"{entry.Name}: a whiteout must name an entry");
        Replace(state, parentFd, hidden, keepDirectory: false);
        // overlayfs takes a 0/0 character device as "deleted below" whatever its mode.
        Check(MknodAt(parentFd, hidden, S_IFCHR, 0), "mknod", entry.Name);
        Check(FChownAt(parentFd, hidden, (uint)entry.Uid, (uint)entry.Gid, AT_SYMLINK_NOFOLLOW), "chown", entry.Name);
        state.Files++;
    }

    private static void ApplyDirectory(State state, int parentFd, string name, string relative, TarEntry entry)
    {
        // A directory over a directory merges (what came before stays); over anything else it replaces.
        if (!Replace(state, parentFd, name, keepDirectory: true))
            Check(MkdirAt(parentFd, name, 0x1C0 /* 0700 */), "mkdir", entry.Name);
        var fd = OpenAt(parentFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        Check(fd, "open", entry.Name);
        try
        {
            Check(FChown(fd, (uint)entry.Uid, (uint)entry.Gid), "chown", entry.Name);
            Check(FChmod(fd, Mode(entry)), "chmod", entry.Name);
        }
        finally
        {
            _ = Close(fd);
        }
        // Creating children changes a directory's mtime, so directories get theirs at the end.
        state.DirectoryTimes[relative] = entry.ModificationTime;
    }

    private static void ApplyFile(State state, int parentFd, string name, TarEntry entry)
    {
        Replace(state, parentFd, name, keepDirectory: false);
        var fd = OpenAt(parentFd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0x180 /* 0600 */);
        Check(fd, "create", entry.Name);
        using (var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true))
        {
            if (entry.DataStream is { } data)
            {
                // RandomAccess writes through the handle without a FileStream, which would close it
                // before the owner, mode and xattr are set on the same descriptor.
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(128 * 1024);
                try
                {
                    long position = 0;
                    int read;
                    while ((read = data.Read(buffer)) > 0)
                    {
                        RandomAccess.Write(handle, buffer.AsSpan(0, read), position);
                        position += read;
                    }
                    state.Bytes += position;
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            Check(FChown(fd, (uint)entry.Uid, (uint)entry.Gid), "chown", entry.Name);
            Check(FChmod(fd, Mode(entry)), "chmod", entry.Name);
            if (entry is PaxTarEntry pax && pax.ExtendedAttributes.TryGetValue(CapabilityPaxKey, out var capability))
            {
                // .NET decodes PAX values as UTF-8; a capability set whose bytes are not valid
                // UTF-8 came back with U+FFFD and cannot be restored, so it is dropped.
                if (!capability.Contains('\uFFFD'))
                    SetXattr(fd, "security.capability", Encoding.UTF8.GetBytes(capability), entry.Name);
            }
        }
        SetTimes(parentFd, name, entry.ModificationTime, entry.Name);
        state.Files++;
    }

    private static void ApplySymlink(State state, int parentFd, string name, TarEntry entry)
    {
        var target = entry.LinkName;
        if (target.Length == 0 || target.Contains('\0')) throw Invalid($"{entry.Name}: bad symlink target");
        Replace(state, parentFd, name, keepDirectory: false);
        Check(SymlinkAt(target, parentFd, name), "symlink", entry.Name);
        SetOwnerModeTimes(parentFd, name, entry, chmod: false);
        state.Files++;
    }

    private static void ApplyHardLink(State state, int parentFd, string name, string relative, TarEntry entry)
    {
        if (entry.LinkName.StartsWith('/')) throw Invalid($"{entry.Name}: hard link to an absolute path {entry.LinkName}");
        var target = SplitName(entry.LinkName, entry.Name);
        if (target.Length == 0) throw Invalid($"{entry.Name}: hard link to the layer root");
        if (string.Join('/', target) == relative) throw Invalid($"{entry.Name}: hard link to itself");
        var targetParent = state.OpenParent(target, target.Length - 1, entry.Name, create: false);
        try
        {
            var type = TypeAt(targetParent, target[^1]);
            if (type == 0) throw Invalid($"{entry.Name}: hard link to {entry.LinkName}, which is not in this layer");
            if (type == S_IFDIR) throw Invalid($"{entry.Name}: hard link to the directory {entry.LinkName}");
            Replace(state, parentFd, name, keepDirectory: false);
            Check(LinkAt(targetParent, target[^1], parentFd, name, 0), "link", entry.Name);
            state.Files++;
        }
        finally
        {
            if (targetParent != state.RootFd) _ = Close(targetParent);
        }
    }

    /// <summary>
    /// Makes room for a later entry of the same path (the later one wins). Returns true when a
    /// directory is there and <paramref name="keepDirectory"/> asked to keep it.
    /// </summary>
    private static bool Replace(State state, int parentFd, string name, bool keepDirectory)
    {
        var type = TypeAt(parentFd, name);
        if (type == 0) return false;
        if (type == S_IFDIR)
        {
            if (keepDirectory) return true;
            RemoveTree(parentFd, name);
            return false;
        }
        Check(UnlinkAt(parentFd, name, 0), "unlink", name);
        state.Files--;
        return false;
    }

    /// <summary>Removes a directory of this layer and everything in it, descending by descriptor (never through a symlink).</summary>
    private static void RemoveTree(int parentFd, string name)
    {
        var fd = OpenAt(parentFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        Check(fd, "open", name);
        try
        {
            // /proc/self/fd/N names the open directory itself; listing it resolves nothing in the tree.
            foreach (var child in Directory.EnumerateFileSystemEntries($"/proc/self/fd/{fd}").Select(Path.GetFileName).ToList())
            {
                if (TypeAt(fd, child!) == S_IFDIR) RemoveTree(fd, child!);
                else Check(UnlinkAt(fd, child!, 0), "unlink", child!);
            }
        }
        finally
        {
            _ = Close(fd);
        }
        Check(UnlinkAt(parentFd, name, AT_REMOVEDIR), "rmdir", name);
    }

    private static void SetOwnerModeTimes(int parentFd, string name, TarEntry entry, bool chmod)
    {
        Check(FChownAt(parentFd, name, (uint)entry.Uid, (uint)entry.Gid, AT_SYMLINK_NOFOLLOW), "chown", entry.Name);
        if (chmod) Check(FChmodAt(parentFd, name, Mode(entry), 0), "chmod", entry.Name);
        SetTimes(parentFd, name, entry.ModificationTime, entry.Name);
    }

    private static unsafe void SetTimes(int parentFd, string name, DateTimeOffset time, string entryName)
    {
        var times = stackalloc TimeSpec[2];
        times[0] = times[1] = new TimeSpec
        {
            Seconds = time.ToUnixTimeSeconds(),
            Nanoseconds = time.UtcTicks % TimeSpan.TicksPerSecond * 100,
        };
        Check(UtimensAt(parentFd, name, times, AT_SYMLINK_NOFOLLOW), "utimensat", entryName);
    }

    private static unsafe void SetXattr(int fd, string name, ReadOnlySpan<byte> value, string entryName)
    {
        fixed (byte* p = value)
            Check(FSetXattr(fd, name, p, (nuint)value.Length, 0), $"setxattr {name}", entryName);
    }

    /// <summary>Permission bits with set-user-ID, set-group-ID and sticky (UnixFileMode has the POSIX values).</summary>
    private static int Mode(TarEntry entry) => (int)entry.Mode & 0xFFF;

    /// <summary>
    /// An archive path as components: "./" and empty components dropped; absolute paths,
    /// <c>..</c> and NUL refused. An empty result is the layer root.
    /// </summary>
    private static string[] SplitName(string name, string entryName)
    {
        if (name.Contains('\0')) throw Invalid($"{entryName.Replace("\0", "\\0", StringComparison.Ordinal)}: NUL in a path");
        if (name.StartsWith('/')) throw Invalid($"{entryName}: absolute path {name}");
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Contains("..")) throw Invalid($"{entryName}: '..' in the path {name}");
        return parts;
    }

    private static void Check(int result, string operation, string entryName)
    {
        if (result < 0) throw new IOException($"layer entry {entryName}: {operation}: {Describe(Errno)}");
    }

    private static RuntimeException Invalid(string message) => new("invalid_layer", message);

    /// <summary>A truncated or corrupt tar (or gzip under it) becomes invalid_archive, naming where it broke.</summary>
    private static T Guard<T>(Func<T> read, string? entryName)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new RuntimeException("invalid_archive",
                $"the layer tar is truncated or corrupt{(entryName is null ? "" : $" (at or after {entryName})")}: {e.Message}", e);
        }
    }

    private static void Guard(Action action, string? entryName) => Guard(() => { action(); return 0; }, entryName);

    private const int AT_FDCWD = -100;

    private sealed class State(int rootFd)
    {
        public int RootFd { get; } = rootFd;
        public string? Current { get; set; }
        public long Files { get; set; }
        public long Bytes { get; set; }
        public Dictionary<string, DateTimeOffset> DirectoryTimes { get; } = new(StringComparer.Ordinal);

        /// <summary>
        /// Opens the first <paramref name="count"/> components as an O_PATH directory, one
        /// component at a time, beneath the root and refusing symlinks; missing directories are
        /// created (a tar need not list parents) when <paramref name="create"/>. The caller
        /// closes the result unless it is <see cref="RootFd"/>.
        /// </summary>
        public int OpenParent(string[] parts, int count, string entryName, bool create)
        {
            var current = RootFd;
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var next = OpenAt2(current, parts[i], O_PATH | O_DIRECTORY | O_CLOEXEC, Beneath);
                    if (next < 0 && Errno == ENOENT && create)
                    {
                        Check(MkdirAt(current, parts[i], 0x1ED /* 0755 */), "mkdir", entryName);
                        next = OpenAt2(current, parts[i], O_PATH | O_DIRECTORY | O_CLOEXEC, Beneath);
                    }
                    if (next < 0)
                    {
                        var errno = Errno;
                        var prefix = string.Join('/', parts[..(i + 1)]);
                        throw errno switch
                        {
                            ELOOP or EXDEV => Invalid($"{entryName}: its path crosses the symlink {prefix}"),
                            ENOTDIR => Invalid($"{entryName}: {prefix} is not a directory"),
                            ENOENT => Invalid($"{entryName}: {prefix} is not in this layer"),
                            _ => new IOException($"layer entry {entryName}: open {prefix}: {Describe(errno)}"),
                        };
                    }
                    if (current != RootFd) _ = Close(current);
                    current = next;
                }
                return current;
            }
            catch
            {
                if (current != RootFd) _ = Close(current);
                throw;
            }
        }

        /// <summary>Directory mtimes last, deepest first, for the directories still there.</summary>
        public void ApplyDirectoryTimes()
        {
            foreach (var (relative, time) in DirectoryTimes.OrderByDescending(d => d.Key.Count(c => c == '/')).ThenByDescending(d => d.Key.Length))
            {
                if (relative.Length == 0)
                {
                    SetTimes(RootFd, ".", time, ".");
                    continue;
                }
                var parts = relative.Split('/');
                int parentFd;
                try
                {
                    parentFd = OpenParent(parts, parts.Length - 1, relative, create: false);
                }
                catch (RuntimeException)
                {
                    continue; // replaced by a later entry
                }
                try
                {
                    if (TypeAt(parentFd, parts[^1]) == S_IFDIR) SetTimes(parentFd, parts[^1], time, relative);
                }
                finally
                {
                    if (parentFd != RootFd) _ = Close(parentFd);
                }
            }
        }
    }
}
