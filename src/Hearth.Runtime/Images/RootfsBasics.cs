namespace Hearth.Runtime.Images;

/// <summary>The files every image needs whatever built it.</summary>
internal static class RootfsBasics
{
    /// <summary>Creates the standard folders and, if missing, minimal passwd/group/hosts files.</summary>
    public static void Ensure(string rootfs)
    {
        foreach (var dir in new[] { "proc", "sys", "dev", "run", "tmp", "root", "etc", "var/tmp", "home", ".hearth" })
            Directory.CreateDirectory(Path.Combine(rootfs, dir));
        File.SetUnixFileMode(Path.Combine(rootfs, "tmp"), (UnixFileMode)Convert.ToInt32("1777", 8));
        File.SetUnixFileMode(Path.Combine(rootfs, "var/tmp"), (UnixFileMode)Convert.ToInt32("1777", 8));
        File.SetUnixFileMode(Path.Combine(rootfs, "root"), (UnixFileMode)Convert.ToInt32("700", 8));
        WriteIfMissing(rootfs, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        WriteIfMissing(rootfs, "etc/group", "root:x:0:\ntty:x:5:\nnogroup:x:65534:\n");
        WriteIfMissing(rootfs, "etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost\n");
    }

    private static void WriteIfMissing(string rootfs, string relative, string content)
    {
        var path = Path.Combine(rootfs, relative);
        if (!File.Exists(path)) File.WriteAllText(path, content);
    }
}
