using System.Text.RegularExpressions;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Runtime;
using Hearth.Runtime.Images;
using Hearth.Runtime.Images.Catalog;
using Xunit.Abstractions;

namespace Hearth.IntegrationTests.Images;

/// <summary>
/// The catalogue's recipes and <see cref="ChrootRunner"/> without hearthd: every image's layers
/// are built from their recipes (<see cref="CatalogLayerCache"/>, the first run takes minutes),
/// its version probe and headline command run in a chroot of them. Needs root (mounts, chroot).
/// </summary>
public sealed class CatalogRecipeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("hearth-catalog-test-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task A_chroot_upper_is_a_plain_layer_with_whiteouts_and_opaque_dirs_and_nothing_of_the_build_left()
    {
        Assert.True(Environment.UserName == "root", "these tests need root");
        var lower = await BusyboxTreeAsync();
        var upper = Path.Combine(scratch, "upper");

        var result = await ChrootRunner.RunAsync([lower], upper, """
            set -e
            sh /usr/sbin/policy-rc.d || echo "policy $?"
            rm /bin/ls
            rm -rf /usr/sbin && mkdir /usr/sbin && echo new > /usr/sbin/new
            mkdir -p /etc/x && echo hi > /etc/x/f
            touch /bin/cat
            cat /etc/resolv.conf
            """,
            null, TimeSpan.FromMinutes(1)).Within();
        Assert.True(result.ExitCode == 0, result.ToString());

        // The host's resolver was visible inside; policy-rc.d said "forbidden" (101, invoke-rc.d(8)).
        var nameserver = File.ReadAllLines("/etc/resolv.conf").FirstOrDefault(l => l.StartsWith("nameserver", StringComparison.Ordinal));
        if (nameserver is not null) Assert.Contains(nameserver, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("policy 101", result.StandardOutput, StringComparison.Ordinal);

        // Deletion = whiteout (char 0/0); a replaced dir = opaque; new files plain.
        Assert.Equal("character special file 0:0", await StatAsync(Path.Combine(upper, "bin/ls"), "%F %t:%T"));
        Assert.Equal("y", LayerTree.Get(Path.Combine(upper, "usr/sbin"), "trusted.overlay.opaque"));
        Assert.Equal("new\n", await File.ReadAllTextAsync(Path.Combine(upper, "usr/sbin/new")));
        Assert.Equal("hi\n", await File.ReadAllTextAsync(Path.Combine(upper, "etc/x/f")));
        // Nothing of the build machinery stayed.
        Assert.False(File.Exists(Path.Combine(upper, "etc/resolv.conf")), "resolv.conf stayed in the layer");
        Assert.False(File.Exists(Path.Combine(upper, "usr/sbin/policy-rc.d")), "policy-rc.d stayed in the layer");
        foreach (var dir in new[] { "dev", "proc", "tmp" })
            Assert.Empty(Directory.Exists(Path.Combine(upper, dir)) ? Directory.EnumerateFileSystemEntries(Path.Combine(upper, dir)) : []);
        var bookkeeping = LayerTree.Walk(upper).Select(e => e.Path).Prepend(upper).SelectMany(p => LayerTree.List(p).Select(x => $"{p}: {x}"))
            .Where(x => x.Contains("trusted.overlay.", StringComparison.Ordinal) && !x.EndsWith("trusted.overlay.opaque", StringComparison.Ordinal)).ToList();
        Assert.Empty(bookkeeping);
        Assert.DoesNotContain(scratch, await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateDirectories(scratch, "*.chroot-*"));
    }

    [Fact]
    public async Task A_chroot_killed_by_its_timeout_leaves_no_mount_and_no_process()
    {
        Assert.True(Environment.UserName == "root", "these tests need root");
        var lower = await BusyboxTreeAsync();
        var marker = $"hearth-timeout-{Guid.NewGuid():N}";
        // A number no other test sleeps for: other tests' workspaces run `sleep 300`, visible in the host's /proc.
        var seconds = Random.Shared.Next(400_000, 900_000);

        var error = await Assert.ThrowsAsync<RuntimeException>(() => ChrootRunner.RunAsync(
            [lower], Path.Combine(scratch, "upper"), $"sleep {seconds} & exec sleep {seconds + 1} # {marker}", null, TimeSpan.FromSeconds(2)).Within());
        Assert.Equal("host_tool_timeout", error.Code);

        await Task.Delay(500);
        Assert.DoesNotContain(scratch, await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
        var left = Directory.EnumerateDirectories("/proc").Select(p => Path.Combine(p, "cmdline")).Where(File.Exists)
            .Select(p => { try { return File.ReadAllText(p); } catch (IOException) { return ""; } })
            .Where(c => c.Contains(marker, StringComparison.Ordinal) || c.StartsWith($"sleep\0{seconds}", StringComparison.Ordinal)).ToList();
        Assert.Empty(left);
    }

    [Theory]
    [InlineData("busybox", @"^busybox 1\.\d+\.\d+$")]
    [InlineData("debian-12", @"^debian 12\.\d+$", @"^curl 7\.\d+", @"^git 2\.\d+")]
    [InlineData("debian-13", @"^debian 13\.\d+$", @"^curl 8\.\d+", @"^git 2\.\d+")]
    [InlineData("node-20", @"^debian 13\.", @"^node 20\.\d+\.\d+$", @"^npm \d+\.\d+\.\d+$", @"^psql 17\.")]
    [InlineData("node-22", @"^debian 13\.", @"^node 22\.\d+\.\d+$", @"^npm 10\.\d+\.\d+$", @"^psql 17\.")]
    [InlineData("python-3.11", @"^debian 12\.", @"^python 3\.11\.\d+$", @"^pip \d+")]
    [InlineData("python-3.13", @"^debian 13\.", @"^python 3\.13\.\d+$", @"^pip \d+")]
    [InlineData("postgres-15", @"^debian 12\.", @"^postgresql 15\.\d+$", @"^psql 15\.")]
    [InlineData("postgres-16", @"^debian 12\.", @"^postgresql 16\.\d+$", @"^psql 15\.")]
    [InlineData("postgres-17", @"^debian 13\.", @"^postgresql 17\.\d+$", @"^psql 17\.")]
    [InlineData("redis-7", @"^debian 12\.", @"^redis 7\.\d+\.\d+$")]
    public async Task An_image_built_from_its_recipes_reports_the_versions_it_holds(string name, params string[] expected)
    {
        Assert.True(Environment.UserName == "root", "these tests need root");
        var trees = await CatalogLayerCache.EnsureAsync(name, output).Within(CatalogLayerCache.FirstBuild);

        var software = (await CatalogLayerCache.RunAsync(trees, CatalogLayerCache.Image(name).VersionProbe).Within())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        output.WriteLine(string.Join(", ", software));
        foreach (var pattern in expected)
            Assert.True(software.Any(s => Regex.IsMatch(s, pattern)), $"no {pattern} in: {string.Join(", ", software)}");
        Assert.All(software, s => Assert.Matches(@"^[a-z0-9.-]+ \S+$", s));
    }

    [Theory]
    [InlineData("node-20", "20")]
    [InlineData("node-22", "22")]
    public async Task Node_runs_and_npm_installs_from_the_package_cache(string name, string major)
    {
        var trees = await CatalogLayerCache.EnsureAsync(name, output).Within(CatalogLayerCache.FirstBuild);
        var text = await CatalogLayerCache.RunAsync(trees, """
            node --version
            npm --version
            node -e 'console.log(require("crypto").createHash("sha256").update("x").digest("hex").slice(0, 8))'
            """).Within();
        Assert.StartsWith($"v{major}.", text, StringComparison.Ordinal);
        Assert.Contains("2d711642", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("python-3.11")]
    [InlineData("python-3.13")]
    public async Task Python_has_ssl_sqlite3_and_a_venv_with_pip(string name)
    {
        var trees = await CatalogLayerCache.EnsureAsync(name, output).Within(CatalogLayerCache.FirstBuild);
        var text = await CatalogLayerCache.RunAsync(trees, """
            set -e
            python3 -c "import ssl, sqlite3, venv; print('imports ok', ssl.OPENSSL_VERSION)"
            python3 -m venv /tmp/v
            /tmp/v/bin/pip --version
            """).Within();
        Assert.Contains("imports ok", text, StringComparison.Ordinal);
        Assert.Contains("/tmp/v/lib/python3", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgres-15", "15")]
    [InlineData("postgres-16", "16")]
    [InlineData("postgres-17", "17")]
    public async Task The_postgres_start_script_makes_a_cluster_and_serves_tcp_and_the_local_socket(string name, string major)
    {
        var trees = await CatalogLayerCache.EnsureAsync(name, output).Within(CatalogLayerCache.FirstBuild);
        var image = CatalogLayerCache.Image(name);
        Assert.Equal("postgres", image.Config.User);
        var port = Random.Shared.Next(40000, 50000);
        // The chroot shares the host's network: a port of its own; the image's command, as its user.
        var text = await CatalogLayerCache.RunAsync(trees, $$"""
            export PGPORT={{port}} PGDATA=/var/lib/postgresql/data
            setpriv --reuid=postgres --regid=postgres --init-groups {{string.Join(' ', image.Config.Cmd)}} > /tmp/pg.log 2>&1 &
            for i in $(seq 1 120); do psql -h 127.0.0.1 -U postgres -c 'select 1' > /dev/null 2>&1 && break; sleep 0.5; done
            psql -h 127.0.0.1 -U postgres -Atc 'select version()' || { cat /tmp/pg.log; exit 1; }
            setpriv --reuid=postgres --regid=postgres --init-groups psql -U postgres -Atc 'select current_user' || { cat /tmp/pg.log; exit 1; }
            grep -c 'host all all 0.0.0.0/0 trust' $PGDATA/pg_hba.conf
            psql -h 127.0.0.1 -U postgres -Atc 'show listen_addresses'
            """, TimeSpan.FromMinutes(2)).Within(TimeSpan.FromMinutes(3));
        output.WriteLine(text);
        Assert.Contains($"PostgreSQL {major}.", text, StringComparison.Ordinal);
        Assert.Contains("\npostgres\n1\n*\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_answers_ping_as_its_image_runs_it()
    {
        var trees = await CatalogLayerCache.EnsureAsync("redis-7", output).Within(CatalogLayerCache.FirstBuild);
        var image = CatalogLayerCache.Image("redis-7");
        Assert.Equal("redis", image.Config.User);
        var port = Random.Shared.Next(40000, 50000);
        var text = await CatalogLayerCache.RunAsync(trees, $$"""
            setpriv --reuid=redis --regid=redis --init-groups {{string.Join(' ', image.Config.Cmd)}} --port {{port}} > /tmp/redis.log 2>&1 &
            for i in $(seq 1 60); do [ "$(redis-cli -p {{port}} ping 2>/dev/null)" = PONG ] && break; sleep 0.5; done
            redis-cli -p {{port}} ping || cat /tmp/redis.log
            redis-cli -p {{port}} config get protected-mode | tail -n 1
            """).Within();
        Assert.Equal("PONG\nno\n", text);
    }

    [Fact]
    public async Task Images_on_one_base_share_its_layer_folder()
    {
        var debian12 = await CatalogLayerCache.EnsureAsync("debian-12", output).Within(CatalogLayerCache.FirstBuild);
        foreach (var name in new[] { "python-3.11", "postgres-15", "postgres-16", "redis-7" })
            Assert.Equal(debian12[0], (await CatalogLayerCache.EnsureAsync(name, output).Within(CatalogLayerCache.FirstBuild))[0]);
        var debian13 = await CatalogLayerCache.EnsureAsync("debian-13", output).Within(CatalogLayerCache.FirstBuild);
        foreach (var name in new[] { "node-20", "node-22", "python-3.13", "postgres-17" })
            Assert.Equal(debian13[0], (await CatalogLayerCache.EnsureAsync(name, output).Within(CatalogLayerCache.FirstBuild))[0]);

        // On disk: every image's layers once, against each image as a full copy.
        long sumOfImages = 0;
        var folders = new HashSet<string>();
        foreach (var image in ImageCatalog.Images())
        {
            var trees = await CatalogLayerCache.EnsureAsync(image.Name, output).Within(CatalogLayerCache.FirstBuild);
            sumOfImages += trees.Sum(LayerTree.SizeOf);
            folders.UnionWith(trees);
        }
        var onDisk = folders.Sum(LayerTree.SizeOf);
        output.WriteLine($"layers on disk {LayerTree.Describe(onDisk)}; the images as full copies {LayerTree.Describe(sumOfImages)} ({(double)sumOfImages / onDisk:0.0}x)");
        Assert.True(onDisk * 2 < sumOfImages, $"{onDisk} vs {sumOfImages}");
    }

    private async Task<string> BusyboxTreeAsync() => (await CatalogLayerCache.EnsureAsync("busybox", output).Within())[0];

    private static async Task<string> StatAsync(string path, string format)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", format, path])
        {
            RedirectStandardOutput = true,
        })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text.Trim();
    }
}
