using Hearth.Server.Options;

namespace Hearth.Server.Hosting;

/// <summary>
/// File modes of the data directory. Workspace roots map to unprivileged host uids, and crun
/// resolves the rootfs and /.hearth paths with those ids, so the data dir must be traversable
/// (0711) - but not listable or readable: the database and the disk pool stay root-only.
/// </summary>
internal static class DataDirLayout
{
    private const UnixFileMode Traverse = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void Prepare(HearthOptions options)
    {
        Directory.CreateDirectory(options.DataDir);
        File.SetUnixFileMode(options.DataDir, Traverse);
        Directory.CreateDirectory(options.DiskPoolDir);
        File.SetUnixFileMode(options.DiskPoolDir, Private);
        var workspaces = Path.Combine(options.DataDir, "workspaces");
        Directory.CreateDirectory(workspaces);
        File.SetUnixFileMode(workspaces, Traverse);
        // Layers keep their files' owners and setuid bits as the container sees them, which on the
        // host means root's: nobody but root may reach them (workspaces see them through mounts).
        Directory.CreateDirectory(options.ImagesDir);
        File.SetUnixFileMode(options.ImagesDir, Private);
    }

    /// <summary>SQLite creates its files 0644; the key hashes in them are for root only.</summary>
    public static void RestrictDatabase(string databasePath)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            if (File.Exists(databasePath + suffix))
                File.SetUnixFileMode(databasePath + suffix, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
