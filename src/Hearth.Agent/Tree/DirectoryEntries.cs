using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Hearth.Agent.Interop;

namespace Hearth.Agent.Tree;

/// <summary>One name in a directory and its <c>d_type</c> (<see cref="TreeLibc.DT_DIR"/>, ...; DT_UNKNOWN on some file systems).</summary>
internal readonly record struct DirectoryEntry(string Name, byte Type);

/// <summary>Reads a directory's entries through its descriptor (readdir(3)).</summary>
internal static unsafe class DirectoryEntries
{
    /// <summary>
    /// Every entry of the directory open as <paramref name="dirFd"/>, without <c>.</c> and
    /// <c>..</c>; empty if it cannot be read (removed meanwhile, no permission). A name that is
    /// not valid UTF-8 is left out: it could not be opened again by its decoded name.
    /// </summary>
    public static List<DirectoryEntry> Read(int dirFd)
    {
        var entries = new List<DirectoryEntry>();
        // A description of its own: fdopendir takes the descriptor over and reads from its
        // offset, which a dup would share with the caller's.
        var fd = TreeLibc.OpenAt(dirFd, ".", TreeLibc.O_RDONLY | TreeLibc.O_DIRECTORY | TreeLibc.O_CLOEXEC, 0);
        if (fd < 0) return entries;
        var stream = TreeLibc.FdOpenDir(fd);
        if (stream == 0)
        {
            TreeLibc.Close(fd);
            return entries;
        }

        try
        {
            TreeLibc.DirEnt* entry;
            while ((entry = TreeLibc.ReadDir(stream)) is not null)
            {
                var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)entry + TreeLibc.DirEntNameOffset);
                if (name is [(byte)'.'] or [(byte)'.', (byte)'.']) continue;
                if (Utf8.IsValid(name))
                    entries.Add(new DirectoryEntry(Encoding.UTF8.GetString(name), entry->Type));
            }
        }
        finally
        {
            TreeLibc.CloseDir(stream);
        }
        return entries;
    }
}
