using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;
using Xunit.Abstractions;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>
/// Paths from API clients stay inside the workspace and away from the agent's own mounts
/// (docs/design/runtime-files.md): <c>..</c>, absolute and relative symlinks, /proc magic links,
/// pseudo file systems, and a directory swapped for a symlink while requests run.
/// </summary>
public sealed class FilesSafetyTests(WorkspaceFixture fixture, ITestOutputHelper output) : IClassFixture<WorkspaceFixture>
{
    private RuntimeGatewayClient Runtime => fixture.Runtime;

    [Fact]
    public async Task Absolute_symlinks_into_the_agents_mounts_are_refused_and_the_agent_survives()
    {
        await Runtime.ShAsync("rm -rf /s1 && mkdir /s1 && ln -s /.hearth/bin/hearth-agent /s1/agent && ln -s /.hearth-run /s1/run && ln -s / /s1/root");

        ApiAssert.Error(await Runtime.GetAsync("/files/read?path=/s1/agent"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Runtime.GetAsync("/files/read?path=/s1/root/.hearth/bin/hearth-agent"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Runtime.GetAsync("/files?path=/s1/run"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Runtime.GetAsync("/files/stat?path=/s1/run/agent.sock"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Write("/s1/run/evil"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Write("/s1/run/agent.sock"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Runtime.PostAsync("/files/delete", """{"path":"/s1/run/agent.sock"}"""), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Runtime.PostAsync("/files/mkdir", """{"path":"/s1/run/dir"}"""), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Runtime.PostAsync("/files/transfer/download", """{"paths":["/s1/run"]}"""), HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal("agent.sock\n", await Runtime.ShAsync("ls -A /.hearth-run"));
        (await Runtime.GetAsync("/files/stat?path=/s1")).EnsureStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Dot_dot_and_relative_symlinks_climb_no_higher_than_the_workspace_root()
    {
        var marker = "hearth-escape-" + Guid.NewGuid().ToString("N")[..12];
        await Runtime.ShAsync("rm -rf /s2 && mkdir -p /s2/a/b && ln -s ../../../../../../../.. /s2/a/b/up");

        (await Write($"/../../../../tmp/{marker}-dotdot")).EnsureStatus(HttpStatusCode.Created);
        (await Write($"/s2/a/b/up/tmp/{marker}-link")).EnsureStatus(HttpStatusCode.Created);
        var read = (await Runtime.GetAsync("/files/read?path=/s2/a/b/up/s2/a/b/../../a/b/up/tmp/" + marker + "-link")).EnsureStatus(HttpStatusCode.OK).Json;
        ApiAssert.Error(await Runtime.GetAsync("/files/read?path=/s2/a/b/up/.hearth/bin/hearth-agent"), HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal("x", read.GetProperty("content").GetString());
        Assert.Equal($"/tmp/{marker}-dotdot\n/tmp/{marker}-link\n", await Runtime.ShAsync($"ls /tmp/{marker}-*"));
        Assert.False(File.Exists($"/tmp/{marker}-dotdot"), "a write reached the host's /tmp");
        Assert.False(File.Exists($"/tmp/{marker}-link"), "a write reached the host's /tmp");
    }

    [Fact]
    public async Task Proc_magic_links_are_never_followed()
    {
        await Runtime.ShAsync("rm -rf /s3 && mkdir /s3 && ln -s /proc/1/root /s3/pid1root && ln -s /proc/self/cwd /s3/cwd");

        foreach (var path in new[] { "/s3/pid1root/etc/passwd", "/proc/1/root/etc/passwd", "/proc/self/root/etc/passwd", "/s3/cwd/etc/passwd", "/proc/1/cwd/etc/passwd" })
            ApiAssert.Error(await Runtime.GetAsync("/files/read?path=" + path), HttpStatusCode.BadRequest, "bad_request");
        ApiAssert.Error(await Runtime.GetAsync("/files?path=/proc/1/root"), HttpStatusCode.BadRequest, "bad_request");
        ApiAssert.Error(await Write("/s3/pid1root/tmp/through-magic"), HttpStatusCode.BadRequest, "bad_request");

        Assert.Equal("none\n", await Runtime.ShAsync("test -e /tmp/through-magic && echo found || echo none"));
    }

    [Fact]
    public async Task Nothing_is_written_under_proc_sys_or_dev()
    {
        ApiAssert.Error(await Write("/proc/sys/kernel/hostname"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Write("/sys/kernel/evil"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Write("/dev/shm/evil"), HttpStatusCode.Forbidden, "forbidden");
        ApiAssert.Error(await Runtime.PostAsync("/files/mkdir", """{"path":"/dev/evil"}"""), HttpStatusCode.Forbidden, "forbidden");

        // Reading them is fine: /proc files come back whole although they report size 0.
        var status = (await Runtime.GetAsync("/files/read?path=/proc/self/status")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Contains("VmRSS", status.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_swapped_for_a_symlink_while_requests_run_never_leads_them_to_its_target()
    {
        // A loop in the workspace keeps replacing /race/d (a real directory) with a symlink to the
        // agent's socket directory and back, while the test reads, lists, writes and deletes in it.
        await Runtime.ShAsync("rm -rf /race && mkdir -p /race/d && printf inner > /race/d/secret");
        await Runtime.ShAsync("(timeout 30 sh -c 'while [ ! -e /race/stop ]; do mv /race/d /race/real; ln -s /.hearth-run /race/d; " +
                              "rm /race/d; mv /race/real /race/d; done' >/dev/null 2>&1 &)");
        var outcomes = new Dictionary<string, int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(4);
        var i = 0;
        while (DateTime.UtcNow < deadline)
        {
            i++;
            var read = await Runtime.GetAsync("/files/read?path=/race/d/secret");
            Record(outcomes, "read", read);
            if (read.Status == HttpStatusCode.OK) Assert.Equal("inner", read.Json.GetProperty("content").GetString());
            var list = await Runtime.GetAsync("/files?path=/race/d");
            Record(outcomes, "list", list);
            if (list.Status == HttpStatusCode.OK)
                Assert.All(list.Json.GetProperty("entries").EnumerateArray(), e => Assert.NotEqual("agent.sock", e.GetProperty("name").GetString()));
            Record(outcomes, "write", await Runtime.PostAsync("/files/write", $$"""{"path":"/race/d/w{{i}}","content":"x","create_dirs":false}"""));
            Record(outcomes, "delete", await Runtime.PostAsync("/files/delete", $$"""{"path":"/race/d/w{{i}}"}"""));
            Record(outcomes, "delete-socket", await Runtime.PostAsync("/files/delete", """{"path":"/race/d/agent.sock"}"""));
        }

        await Runtime.ShAsync("touch /race/stop; sleep 0.3");
        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        Assert.Equal("agent.sock\n", await Runtime.ShAsync("ls -A /.hearth-run"));
        Assert.True(outcomes.Keys.All(k => !k.EndsWith(" 500", StringComparison.Ordinal)), "a request failed with 500");
        Assert.False(outcomes.ContainsKey("delete-socket 200"), "the agent's socket was deleted through the swapped directory");
    }

    private static void Record(Dictionary<string, int> outcomes, string what, ApiResponse response)
    {
        var key = $"{what} {(int)response.Status}";
        outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
    }

    private Task<ApiResponse> Write(string path) =>
        Runtime.PostAsync("/files/write", System.Text.Json.JsonSerializer.Serialize(new { path, content = "x" }));
}
