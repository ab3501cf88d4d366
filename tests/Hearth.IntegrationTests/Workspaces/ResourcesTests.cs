using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Workspaces;

/// <summary><c>/workspace/:id/resources</c>: CPU and memory change live in the cgroups; a disk grows at the next start.</summary>
public sealed class ResourcesTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private const string Sized = """{"image":"busybox","config":{"cpus":2,"memory_mb":256,"disk_size_mb":300}}""";

    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Cpus_and_memory_apply_live_to_the_running_workspace()
    {
        var id = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);
        var pid = await HostProbe.InitPidAsync(Hearthd, id);

        var put = await Hearthd.SendAsync(HttpMethod.Put, $"/workspace/{id}/resources", """{"cpus":1,"memory_mb":512}""").Within();

        ApiAssert.Status(put, HttpStatusCode.OK);
        var live = put.Json.GetProperty("applied_live").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("cpus", live);
        Assert.Contains("memory_mb", live);
        Assert.Equal(1, put.Json.GetProperty("resources").GetProperty("cpus").GetInt32());
        Assert.Equal(512, put.Json.GetProperty("resources").GetProperty("memory_mb").GetInt32());
        var inside = await Hearthd.ShAsync(id, "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/memory/memory.limit_in_bytes").Within();
        Assert.Equal(["100000", "536870912"], inside.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(pid, await HostProbe.InitPidAsync(Hearthd, id)); // live: no restart

        var get = await Hearthd.GetAsync($"/workspace/{id}/resources").Within();
        Assert.Equal(1, get.Json.GetProperty("resources").GetProperty("cpus").GetInt32());
        Assert.Equal(512, get.Json.GetProperty("resources").GetProperty("memory_mb").GetInt32());
    }

    [Fact]
    public async Task Cpus_and_memory_apply_live_to_a_paused_workspace_too()
    {
        var id = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/pause").Within(), HttpStatusCode.OK);

        var put = await Hearthd.SendAsync(HttpMethod.Put, $"/workspace/{id}/resources", """{"cpus":4,"memory_mb":320}""").Within();

        ApiAssert.Status(put, HttpStatusCode.OK);
        Assert.Equal("400000", HostProbe.ReadCgroup("cpu", id, "cpu.cfs_quota_us"));
        Assert.Equal((320L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), HostProbe.ReadCgroup("memory", id, "memory.limit_in_bytes"));
        Assert.Equal("FROZEN", HostProbe.ReadCgroup("freezer", id, "freezer.state"));
        Assert.Equal("paused", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
    }

    [Fact]
    public async Task A_memory_limit_below_what_the_workspace_uses_is_409_and_changes_nothing()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"memory_mb":512}}""").Within(Bounded.Create);
        // ~200 MB held by a process that stays (a shell variable, then sleep).
        var hold = await Command.RunAsync("crun", ["--root", Hearthd.CrunRoot, "exec", "--detach", id, "/bin/sh", "-c",
            "exec </dev/null >/dev/null 2>&1; x=$(head -c 200000000 /dev/zero | tr '\\0' a); sleep 120"]).Within();
        Assert.True(hold.ExitCode == 0, hold.ToString());
        await HostProbe.EventuallyAsync(() => long.Parse(HostProbe.ReadCgroup("memory", id, "memory.usage_in_bytes"), System.Globalization.CultureInfo.InvariantCulture),
            used => used > 180_000_000, TimeSpan.FromSeconds(20), "memory held inside");

        var put = await Hearthd.SendAsync(HttpMethod.Put, $"/workspace/{id}/resources", """{"memory_mb":128}""").Within();

        ApiAssert.Error(put, HttpStatusCode.Conflict, "conflict");
        Assert.Contains("memory_mb", ApiAssert.Message(put), StringComparison.Ordinal);
        Assert.Equal((512L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), HostProbe.ReadCgroup("memory", id, "memory.limit_in_bytes"));
        var resources = (await Hearthd.GetAsync($"/workspace/{id}/resources").Within()).Json.GetProperty("resources");
        Assert.Equal(512, resources.GetProperty("memory_mb").GetInt32());
        Assert.Equal("running", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
    }

    [Fact]
    public async Task Limits_changed_live_survive_a_stop_and_start()
    {
        var id = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);
        ApiAssert.Status(await Hearthd.SendAsync(HttpMethod.Put, $"/workspace/{id}/resources", """{"cpus":3,"memory_mb":384}""").Within(), HttpStatusCode.OK);

        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);
        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create), HttpStatusCode.OK);

        Assert.Equal("300000", HostProbe.ReadCgroup("cpu", id, "cpu.cfs_quota_us"));
        Assert.Equal((384L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), HostProbe.ReadCgroup("memory", id, "memory.limit_in_bytes"));
    }

    [Fact]
    public async Task A_larger_disk_is_pending_while_running_and_applied_at_the_next_start()
    {
        var id = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);
        Assert.Equal(0, (await Hearthd.ShAsync(id, "echo before-grow > /root/f && sync").Within()).ExitCode);
        var (totalBefore, _) = await HostProbe.DfAsync(Hearthd, id);

        var patch = await Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{id}/resources", """{"disk_size_mb":600}""").Within();

        ApiAssert.Status(patch, HttpStatusCode.OK);
        var resources = patch.Json.GetProperty("resources");
        Assert.Equal(600, resources.GetProperty("pending_disk_size_mb").GetInt32());
        Assert.Equal(300, resources.GetProperty("disk_size_mb").GetInt32());
        Assert.Equal(totalBefore, (await HostProbe.DfAsync(Hearthd, id)).TotalMb); // nothing changes while it runs

        ApiAssert.Status(await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create), HttpStatusCode.OK);
        var started = await Hearthd.PostAsync($"/workspace/{id}/start").Within(Bounded.Create);
        ApiAssert.Status(started, HttpStatusCode.OK);

        var (totalAfter, _) = await HostProbe.DfAsync(Hearthd, id);
        Assert.InRange(totalAfter, 540, 610);
        var after = (await Hearthd.GetAsync($"/workspace/{id}/resources").Within()).Json.GetProperty("resources");
        Assert.Equal(600, after.GetProperty("disk_size_mb").GetInt32());
        Assert.True(!after.TryGetProperty("pending_disk_size_mb", out var pending) || pending.ValueKind == JsonValueKind.Null, after.ToString());
        Assert.Equal("before-grow", (await Hearthd.ExecAsync(id, "cat", "/root/f").Within()).Stdout.Trim());
    }

    [Fact]
    public async Task Shrinking_the_disk_is_422_naming_disk_size_mb()
    {
        var id = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);

        var shrink = await Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{id}/resources", """{"disk_size_mb":200}""").Within();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, shrink.Status);
        Assert.False(shrink.Json.GetProperty("success").GetBoolean());
        ApiAssert.NamesField(shrink, "disk_size_mb");
        var after = (await Hearthd.GetAsync($"/workspace/{id}/resources").Within()).Json.GetProperty("resources");
        Assert.Equal(300, after.GetProperty("disk_size_mb").GetInt32());
        Assert.False(after.TryGetProperty("pending_disk_size_mb", out var p) && p.ValueKind != JsonValueKind.Null, after.ToString());
    }

    [Fact]
    public async Task Shrinking_below_a_pending_growth_is_422()
    {
        var id = await Hearthd.CreateWorkspaceAsync(Sized).Within(Bounded.Create);
        ApiAssert.Status(await Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{id}/resources", """{"disk_size_mb":600}""").Within(), HttpStatusCode.OK);

        var shrink = await Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{id}/resources", """{"disk_size_mb":400}""").Within();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, shrink.Status);
        ApiAssert.NamesField(shrink, "disk_size_mb");
        var after = (await Hearthd.GetAsync($"/workspace/{id}/resources").Within()).Json.GetProperty("resources");
        Assert.Equal(600, after.GetProperty("pending_disk_size_mb").GetInt32());
    }

    [Theory]
    [InlineData("""{"cpus":0}""", "cpus")]
    [InlineData("""{"cpus":33}""", "cpus")]
    [InlineData("""{"memory_mb":100}""", "memory_mb")]
    [InlineData("""{"memory_mb":70000}""", "memory_mb")]
    [InlineData("""{"disk_size_mb":10}""", "disk_size_mb")]
    [InlineData("""{"disk_size_mb":300000}""", "disk_size_mb")]
    [InlineData("""{"cpus":"many"}""", "cpus")]
    [InlineData("""{}""", "cpus")]
    public async Task Invalid_values_are_400_naming_the_field_and_change_nothing(string json, string field)
    {
        var id = await SharedWorkspaceAsync();

        var response = await Hearthd.SendAsync(HttpMethod.Put, $"/workspace/{id}/resources", json).Within();

        ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(response, field);
        Assert.Equal("200000", HostProbe.ReadCgroup("cpu", id, "cpu.cfs_quota_us"));
        Assert.Equal("268435456", HostProbe.ReadCgroup("memory", id, "memory.limit_in_bytes"));
    }

    private async Task<string> SharedWorkspaceAsync()
    {
        // xunit makes a new instance of the class per test, so look the workspace up by name.
        var list = await Hearthd.GetAsync("/workspace?limit=500").Within();
        var existing = list.Json.GetProperty("workspaces").EnumerateArray()
            .FirstOrDefault(w => w.GetProperty("name").GetString() == "resources-invalid");
        if (existing.ValueKind == JsonValueKind.Object) return existing.GetProperty("id").GetString()!;
        return await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","name":"resources-invalid","config":{"cpus":2,"memory_mb":256,"disk_size_mb":300}}""").Within(Bounded.Create);
    }
}
