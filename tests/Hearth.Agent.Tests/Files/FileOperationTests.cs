using System.Text;
using Hearth.Agent.Tests.Infrastructure;

namespace Hearth.Agent.Tests.Files;

/// <summary>The agent's file operations (docs/design/runtime-files.md) against the real agent as PID 1 of a container.</summary>
public sealed class FileOperationTests(IdleAgentFixture fixture) : IClassFixture<IdleAgentFixture>
{
    [Fact]
    public async Task Write_then_read_gives_back_every_byte_and_says_when_it_is_not_utf8()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        byte[] binary = [0x00, 0xFF, 0xFE, 0x41, 0x00, 0xC3, 0x28, 0x0A];

        var written = (await fs.RunAsync("fs.write", new { path = "/tmp/bin/blob", }, binary)).Succeeds();
        var read = (await fs.RunAsync("fs.read", new { path = "/tmp/bin/blob", limit = 1 << 20 })).Succeeds();

        Assert.Equal(binary.Length, written.Result.GetProperty("size").GetInt64());
        Assert.Equal(binary, read.Data);
        var info = Assert.Single(read.Events).Result!.Value;
        Assert.False(info.GetProperty("utf8").GetBoolean());
        Assert.Equal(binary.Length, info.GetProperty("length").GetInt64());
        Assert.Equal("00fffe4100c3280a", string.Concat((await fs.ShAsync("od -An -tx1 /tmp/bin/blob")).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Replace_keeps_the_old_mode_unless_one_is_given_and_append_adds()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("mkdir -p /tmp/mode && printf old > /tmp/mode/f && chmod 0600 /tmp/mode/f");

        (await fs.RunAsync("fs.write", new { path = "/tmp/mode/f" }, "new"u8.ToArray())).Succeeds();
        var kept = await fs.ShAsync("stat -c %a /tmp/mode/f; cat /tmp/mode/f; ls -a /tmp/mode | grep -c hearth-tmp || true");
        (await fs.RunAsync("fs.write", new { path = "/tmp/mode/f", mode = 0x1ED }, "x"u8.ToArray())).Succeeds();
        var given = await fs.ShAsync("stat -c %a /tmp/mode/f");
        (await fs.RunAsync("fs.write", new { path = "/tmp/mode/f", append = true }, "yz"u8.ToArray())).Succeeds();

        Assert.Equal("600\nnew0\n", kept);
        Assert.Equal("755\n", given);
        Assert.Equal("xyz", await fs.ShAsync("cat /tmp/mode/f"));
    }

    [Fact]
    public async Task Missing_parents_are_created_unless_create_dirs_is_false()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);

        (await fs.RunAsync("fs.write", new { path = "/task/deep/run.py" }, "print(1)\n"u8.ToArray())).Succeeds();
        var refused = (await fs.RunAsync("fs.write", new { path = "/nope/x.txt", create_dirs = false }, "x"u8.ToArray())).Fails("not_found");

        Assert.Equal("print(1)\n", await fs.ShAsync("cat /task/deep/run.py"));
        Assert.Contains("/nope", refused.End.Message);
        Assert.Equal("no\n", await fs.ShAsync("test -e /nope && echo yes || echo no"));
    }

    [Fact]
    public async Task Read_picks_line_ranges_numbers_them_and_refuses_what_is_over_the_limit()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("printf 'one\\ntwo\\nthree\\nfour' > /tmp/lines");

        var range = (await fs.RunAsync("fs.read", new { path = "/tmp/lines", start_line = 2, end_line = 3, limit = 1000 })).Succeeds();
        var numbered = (await fs.RunAsync("fs.read", new { path = "/tmp/lines", start_line = 4, with_line_numbers = true, limit = 1000 })).Succeeds();
        var tooLarge = (await fs.RunAsync("fs.read", new { path = "/tmp/lines", limit = 5 })).Fails("too_large");
        var directory = (await fs.RunAsync("fs.read", new { path = "/tmp", limit = 5 })).Fails("bad_request");
        var missing = (await fs.RunAsync("fs.read", new { path = "/tmp/none", limit = 5 })).Fails("not_found");

        Assert.Equal("two\nthree\n", range.Text);
        var info = range.Events[0].Result!.Value;
        Assert.Equal(4, info.GetProperty("lines").GetInt64());
        Assert.Equal(2, info.GetProperty("start_line").GetInt64());
        Assert.Equal(3, info.GetProperty("end_line").GetInt64());
        Assert.True(info.GetProperty("utf8").GetBoolean());
        Assert.Equal("     4\tfour", numbered.Text);
        Assert.Contains("read limit", tooLarge.End.Message);
        Assert.Contains("/tmp/none", missing.End.Message);
        Assert.Contains("directory", directory.End.Message);
    }

    [Fact]
    public async Task Stat_describes_files_directories_and_symlinks_without_following_them()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("mkdir -p /tmp/st && printf 12345 > /tmp/st/a.py && chmod 640 /tmp/st/a.py && ln -sf a.py /tmp/st/link");

        var file = (await fs.RunAsync("fs.stat", new { path = "/tmp/st/a.py" })).Succeeds().Result;
        var dir = (await fs.RunAsync("fs.stat", new { path = "tmp/st/" })).Succeeds().Result;
        var link = (await fs.RunAsync("fs.stat", new { path = "/tmp/st/link" })).Succeeds().Result;

        Assert.Equal("file", file.GetProperty("type").GetString());
        Assert.Equal(5, file.GetProperty("size").GetInt64());
        Assert.Equal("0640", file.GetProperty("permissions").GetString());
        Assert.True(file.GetProperty("is_code").GetBoolean());
        Assert.Equal("py", file.GetProperty("extension").GetString());
        Assert.Equal("directory", dir.GetProperty("type").GetString());
        Assert.Equal("/tmp/st", dir.GetProperty("path").GetString());
        Assert.Equal("symlink", link.GetProperty("type").GetString());
        Assert.Equal("a.py", link.GetProperty("symlink_target").GetString());
    }

    [Fact]
    public async Task Mkdir_makes_parents_with_the_mode_and_refuses_a_file_in_the_way()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("printf x > /tmp/afile");

        (await fs.RunAsync("fs.mkdir", new { path = "/tmp/mk/a/b", mode = 0x1C0 })).Succeeds();
        (await fs.RunAsync("fs.mkdir", new { path = "/tmp/mk/a/b" })).Succeeds();
        (await fs.RunAsync("fs.mkdir", new { path = "/tmp/afile" })).Fails("conflict");

        Assert.Equal("755 700\n", await fs.ShAsync("echo $(stat -c %a /tmp/mk/a) $(stat -c %a /tmp/mk/a/b)"));
    }

    [Fact]
    public async Task Delete_removes_trees_and_symlinks_but_never_protected_paths_or_the_agents_mounts()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("mkdir -p /tmp/del/a/b/c /tmp/keep && touch /tmp/del/a/b/c/f /tmp/keep/k && ln -s /tmp/keep /tmp/del/a/tokeep && ln -s /tmp/keep /tmp/linkonly");

        (await fs.RunAsync("fs.delete", new { path = "/tmp/del" })).Succeeds();
        (await fs.RunAsync("fs.delete", new { path = "/tmp/linkonly" })).Succeeds();
        foreach (var path in new[] { "/", "/etc", "/tmp/../bin", "/proc", "/.hearth", "/.hearth-run/agent.sock", "/.hearth/bin/hearth-agent" })
            (await fs.RunAsync("fs.delete", new { path })).Fails("forbidden");
        (await fs.RunAsync("fs.delete", new { path = "/tmp/del" })).Fails("not_found");

        Assert.Equal("gone\nk\n", await fs.ShAsync("test -e /tmp/del || echo gone; ls /tmp/keep"));
        Assert.Equal("ok\n", await fs.ShAsync("test -S /.hearth-run/agent.sock && test -x /.hearth/bin/hearth-agent && echo ok"));
    }

    [Fact]
    public async Task Symlinks_never_lead_to_the_agents_mounts_or_through_proc_magic_links()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("mkdir -p /tmp/esc && ln -sf /.hearth/bin/hearth-agent /tmp/esc/agent && ln -sf /.hearth-run /tmp/esc/run " +
                         "&& ln -sf /proc/1/root /tmp/esc/root && ln -sf ../../../../../../.hearth /tmp/esc/up && printf secret > /tmp/esc/plain");

        (await fs.RunAsync("fs.read", new { path = "/tmp/esc/agent", limit = 1 << 30 })).Fails("forbidden");
        (await fs.RunAsync("fs.read", new { path = "/tmp/esc/up/bin/hearth-agent", limit = 1 << 30 })).Fails("forbidden");
        (await fs.RunAsync("fs.write", new { path = "/tmp/esc/run/evil" }, "x"u8.ToArray())).Fails("forbidden");
        (await fs.RunAsync("fs.write", new { path = "/tmp/esc/up/evil" }, "x"u8.ToArray())).Fails("forbidden");
        (await fs.RunAsync("fs.read", new { path = "/tmp/esc/root/tmp/esc/plain", limit = 100 })).Fails("bad_request");
        (await fs.RunAsync("fs.read", new { path = "/proc/self/root/tmp/esc/plain", limit = 100 })).Fails("bad_request");
        (await fs.RunAsync("fs.list", new { path = "/tmp/esc/run" })).Fails("forbidden");
        (await fs.RunAsync("fs.write", new { path = "/proc/sys/kernel/hostname" }, "x"u8.ToArray())).Fails("forbidden");
        (await fs.RunAsync("fs.write", new { path = "/dev/shm/x" }, "x"u8.ToArray())).Fails("forbidden");
        var relative = (await fs.RunAsync("fs.read", new { path = "../../tmp/esc/plain", limit = 100 })).Succeeds();

        Assert.Equal("secret", relative.Text);
        Assert.Equal("0\n", await fs.ShAsync("ls /.hearth-run | grep -c evil || true"));
    }

    [Fact]
    public async Task List_walks_nested_honours_gitignore_and_adds_hashes_and_content()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("rm -rf /tmp/ls && mkdir -p /tmp/ls/src/deep/deeper /tmp/ls/build /tmp/ls/.git && cd /tmp/ls " +
                         "&& printf 'build/\\n*.log\\n!keep.log\\n/top.txt\\n' > .gitignore && printf 'hello' > src/a.js && printf x > src/b.log " +
                         "&& printf k > src/keep.log && printf t > top.txt && printf t > src/top.txt && printf z > build/out && printf g > .git/HEAD " +
                         "&& printf d > src/deep/deeper/d.py && printf '\\377\\376' > src/bin.dat");

        var listed = (await fs.RunAsync("fs.list", new
        {
            path = "/tmp/ls",
            recursive = true,
            sorted = true,
            max_depth = 3,
            include_hash = true,
            include_content = true,
            content_budget = 1 << 20,
            use_gitignore = true,
            limit = 1000,
        })).Succeeds();
        var lines = listed.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var paths = lines.Where(l => l.TryGetProperty("path", out _) && !l.TryGetProperty("event", out _)).Select(l => l.GetProperty("path").GetString()).ToList();
        var a = lines.Single(l => l.TryGetProperty("name", out var n) && n.GetString() == "a.js");

        Assert.Equal("start", lines[0].GetProperty("event").GetString());
        Assert.Equal("done", lines[^1].GetProperty("event").GetString());
        Assert.Equal(paths.Count, lines[^1].GetProperty("count").GetInt32());
        Assert.Equal(["/tmp/ls/src", "/tmp/ls/src/deep", "/tmp/ls/src/deep/deeper", "/tmp/ls/src/a.js", "/tmp/ls/src/bin.dat",
            "/tmp/ls/src/keep.log", "/tmp/ls/src/top.txt", "/tmp/ls/.gitignore"], paths);
        Assert.Equal("hello", a.GetProperty("content").GetString());
        Assert.Equal((await fs.ShAsync("sha256sum /tmp/ls/src/a.js")).Split(' ')[0], a.GetProperty("hash").GetString());
        Assert.False(lines.Single(l => l.TryGetProperty("name", out var n) && n.GetString() == "bin.dat").TryGetProperty("content", out _));
    }

    [Fact]
    public async Task List_stops_at_the_limit_and_says_it_was_truncated()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("rm -rf /tmp/many && mkdir -p /tmp/many && cd /tmp/many && for i in 1 2 3 4 5 6 7 8 9 10; do touch f$i; done");

        var listed = (await fs.RunAsync("fs.list", new { path = "/tmp/many", limit = 4 })).Succeeds();
        var lines = listed.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(6, lines.Count);
        Assert.Equal(4, lines[^1].GetProperty("count").GetInt32());
        Assert.True(lines[^1].GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Archive_and_extract_round_trip_a_tree_with_a_symlink_and_an_empty_file()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("rm -rf /tmp/tree /tmp/restore && mkdir -p /tmp/tree/sub/empty && cd /tmp/tree && printf 'héllo' > 'ünï.txt' " +
                         "&& head -c 300000 /dev/urandom > sub/rand && touch sub/zero && ln -s ../ünï.txt sub/link && chmod 700 sub/rand");

        var archive = (await fs.RunAsync("fs.archive", new { paths = new[] { "/tmp/tree" } })).Succeeds();
        var extracted = (await fs.RunAsync("fs.extract", new { dest = "/tmp/restore" }, archive.Data)).Succeeds();

        Assert.Equal(4, extracted.Result.GetProperty("files_extracted").GetInt32());
        var before = await fs.ShAsync("cd /tmp && { find tree | sort; md5sum tree/sub/rand tree/ünï.txt; readlink tree/sub/link; stat -c %a tree/sub/rand; }");
        var after = await fs.ShAsync("cd /tmp/restore && { find tree | sort; md5sum tree/sub/rand tree/ünï.txt; readlink tree/sub/link; stat -c %a tree/sub/rand; }");
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Extract_refuses_escaping_entries_and_writes_nothing_outside_dest()
    {
        await using var client = await fixture.Container.ConnectAsync();
        var fs = new FileOps(client);
        await fs.ShAsync("rm -rf /tmp/x && mkdir -p /tmp/x/dest && ln -s /tmp /tmp/x/dest/out");

        var cases = new (string Name, byte[] Archive)[]
        {
            ("dotdot", TarBuilder.File("../evil-dotdot", "x")),
            ("absolute", TarBuilder.File("/tmp/x/evil-absolute", "x")),
            ("device", TarBuilder.Device("dev-null")),
            ("symlink out", TarBuilder.Symlink("link", "/tmp/x")),
            ("relative symlink out", TarBuilder.Symlink("a/link", "../../evil-dir")),
            ("through an existing symlink", TarBuilder.File("out/x/evil-through", "x")),
            ("not gzip", Encoding.ASCII.GetBytes("this is not an archive")),
        };
        foreach (var (name, archive) in cases)
        {
            var result = await fs.RunAsync("fs.extract", new { dest = "/tmp/x/dest" }, archive);
            Assert.True(result.End.Error == "bad_request", $"{name}: {result.End.Op} {result.End.Error} {result.End.Message}");
        }

        Assert.Equal("/tmp/x\n/tmp/x/dest\n/tmp/x/dest/out\n", await fs.ShAsync("find /tmp/x | sort"));
    }
}
