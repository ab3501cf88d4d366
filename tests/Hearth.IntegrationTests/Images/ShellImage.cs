using System.Formats.Tar;
using Hearth.IntegrationTests.Images.Oci;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Images;

/// <summary>
/// A two-layer image with a shell, built here the way the catalogue builds busybox (the host's
/// static <c>/bin/busybox</c> and a symlink per applet): layer 1 has the shell, a user <c>app</c>
/// (1000:1000) in <c>/etc/passwd</c>, <c>/etc/motd</c> and <c>/var/cache/old</c>; layer 2 deletes
/// <c>/etc/motd</c> (whiteout) and makes <c>/var/cache</c> opaque with only <c>new</c> in it. Its
/// config has no entrypoint and a <c>Cmd</c> that writes who, where and what env it ran with.
/// </summary>
internal static class ShellImage
{
    public const string Greeting = "hello-from-the-image-config";

    private static readonly Lazy<byte[]> Base = new(BuildBase);

    public static TestImage Create(string user)
    {
        var image = new TestImage
        {
            Env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", $"GREETING={Greeting}"],
            Entrypoint = [],
            Cmd = ["sh", "-c", "id -u > /tmp/who; id -g > /tmp/gid; pwd > /tmp/where; env > /tmp/env; sleep 1000"],
            WorkingDir = "/srv",
            User = user,
        };
        image.Layers.Add(Base.Value);
        image.Layers.Add(new LayerTar()
            .Dir("etc/").Whiteout("etc/motd")
            .Dir("var/").Dir("var/cache/").Opaque("var/cache").File("var/cache/new", "new")
            .Build());
        return image;
    }

    /// <summary>A one-layer image of just the shell layer, for tests that only need something that runs.</summary>
    public static TestImage BaseOnly(string cmd = "sleep 1000")
    {
        var image = new TestImage { Env = ["PATH=/usr/bin:/bin"], Entrypoint = [], Cmd = ["sh", "-c", cmd], WorkingDir = "/", User = "0" };
        image.Layers.Add(Base.Value);
        return image;
    }

    /// <summary>
    /// Checks a running workspace of <see cref="Create"/>: the merged tree (whiteout and opaque dir
    /// applied) and the image config on the main command (user, working dir, env).
    /// </summary>
    public static async Task AssertRunsAsImageSaysAsync(HearthdInstance hearthd, string id)
    {
        var env = await EventuallyAsync(hearthd, id, "cat /tmp/env");
        Assert.Contains($"GREETING={Greeting}", env.Split('\n'));
        Assert.Equal("1000", (await hearthd.ShAsync(id, "cat /tmp/who").Within()).Stdout.Trim());
        Assert.Equal("1000", (await hearthd.ShAsync(id, "cat /tmp/gid").Within()).Stdout.Trim());
        Assert.Equal("/srv", (await hearthd.ShAsync(id, "cat /tmp/where").Within()).Stdout.Trim());

        var merged = await hearthd.ShAsync(id, "test -e /etc/motd && echo motd-present; echo $(cat /etc/keep); ls -A /var/cache; echo $(cat /var/cache/new)").Within();
        Assert.True(merged.ExitCode == 0, merged.ToString());
        Assert.Equal(["kept", "new", "new"], merged.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The output of <paramref name="script"/> once it succeeds with some output (the main command writes its files as it starts).</summary>
    public static async Task<string> EventuallyAsync(HearthdInstance hearthd, string id, string script)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var run = await hearthd.ShAsync(id, script).Within();
            if (run.ExitCode == 0 && run.Stdout.Length > 0) return run.Stdout;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"'{script}' in {id} gave nothing within 30 s: {run}\n{hearthd.ReadLog()}");
            await Task.Delay(100);
        }
    }

    private static byte[] BuildBase()
    {
        var tar = new LayerTar();
        var dirs = new SortedSet<string>(StringComparer.Ordinal) { "bin/", "etc/", "srv/", "tmp/", "var/", "var/cache/", "root/", "proc/", "sys/", "dev/" };
        var applets = Command.RunAsync("/bin/busybox", ["--list-full"]).GetAwaiter().GetResult().Stdout
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(a => a != "bin/busybox").ToList();
        foreach (var applet in applets)
            for (var slash = applet.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = applet.IndexOf('/', slash + 1))
                dirs.Add(applet[..(slash + 1)]);
        foreach (var dir in dirs)
        {
            if (dir == "srv/") tar.Dir(dir, "755", uid: 1000, gid: 1000);
            else if (dir == "tmp/") tar.Dir(dir, "1777");
            else tar.Dir(dir);
        }
        tar.Add(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox")
        {
            Mode = LayerTar.Mode("755"),
            ModificationTime = LayerTar.Time,
            DataStream = new MemoryStream(File.ReadAllBytes("/bin/busybox")),
        });
        foreach (var applet in applets)
            tar.Symlink(applet, "/bin/busybox");
        tar.File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/srv:/bin/sh\n")
            .File("etc/group", "root:x:0:\napp:x:1000:\n")
            .File("etc/motd", "welcome")
            .File("etc/keep", "kept")
            .File("var/cache/old", "old");
        return tar.Build();
    }
}
