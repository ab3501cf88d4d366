namespace Hearth.Agent.Tests.RunAs;

/// <summary>What an image brings for <c>run-as</c>: account files and directories, written into a test rootfs.</summary>
internal static class RunAsImage
{
    /// <summary>The agent as the server puts it in front of an image's main command.</summary>
    public static readonly string[] Agent = ["/.hearth/lib/ld-linux-x86-64.so.2", "--library-path", "/.hearth/lib", "/.hearth/bin/hearth-agent"];

    // alice is listed in two groups besides her own; bob in one; 4242 has no entry at all.
    private const string Passwd = """
        root:x:0:0:root:/root:/bin/sh
        # a comment, and a malformed line, both skipped
        broken:x:notanumber:0::/:/bin/sh
        alice:x:1000:1000:Alice:/home/alice:/bin/sh
        bob:x:1001:1001:Bob::/bin/sh
        nobody:x:65534:65534:nobody:/nonexistent:/bin/false

        """;

    private const string Group = """
        root:x:0:
        alice:x:1000:
        bob:x:1001:
        dev:x:2000:alice,bob
        ops:x:2001:alice
        nogroup:x:65534:

        """;

    /// <summary>/etc/passwd, /etc/group, alice's home, /srv/app, and /secret that only root may enter.</summary>
    public static void Write(string rootfs)
    {
        Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
        File.WriteAllText(Path.Combine(rootfs, "etc", "passwd"), Passwd);
        File.WriteAllText(Path.Combine(rootfs, "etc", "group"), Group);
        Directory.CreateDirectory(Path.Combine(rootfs, "home", "alice"));
        Directory.CreateDirectory(Path.Combine(rootfs, "srv", "app"));
        var secret = Directory.CreateDirectory(Path.Combine(rootfs, "secret"));
        File.SetUnixFileMode(secret.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
