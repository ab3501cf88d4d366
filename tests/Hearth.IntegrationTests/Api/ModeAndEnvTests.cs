using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Api;

/// <summary>Mode follows the TTL unless given; TTLs can be cleared; env in every documented form reaches the main process.</summary>
public sealed class ModeAndEnvTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task A_ttl_without_a_mode_makes_a_temporary_workspace()
    {
        var created = await CreateAsync("""{"image":"busybox","config":{"ttl":"30m"}}""");

        Assert.Equal("temporary", created.GetProperty("mode").GetString());
        var lifecycle = created.GetProperty("lifecycle");
        Assert.Equal("30m", lifecycle.GetProperty("ttl").GetString());
        Assert.Equal(1800, lifecycle.GetProperty("ttl_seconds").GetInt32());
        Assert.Equal("temporary", lifecycle.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task No_ttl_and_no_mode_is_permanent()
    {
        var created = await CreateAsync("""{"image":"busybox"}""");

        Assert.Equal("permanent", created.GetProperty("mode").GetString());
        Assert.True(IsAbsent(created.GetProperty("lifecycle"), "ttl"));
    }

    [Theory]
    [InlineData("""{"image":"busybox","mode":"permanent","config":{"ttl":"30m"}}""", "permanent")]
    [InlineData("""{"image":"busybox","mode":"temporary"}""", "temporary")]
    public async Task An_explicit_mode_wins(string json, string mode)
    {
        var created = await CreateAsync(json);

        Assert.Equal(mode, created.GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Deleting_the_lifecycle_clears_the_ttl()
    {
        var created = await CreateAsync("""{"image":"busybox","config":{"ttl":"2h","ttl_action":"stop"}}""");
        var id = created.GetProperty("id").GetString();

        var cleared = await Hearthd.DeleteAsync($"/workspace/{id}/lifecycle").Within();

        ApiAssert.Status(cleared, HttpStatusCode.OK);
        Assert.True(IsAbsent(cleared.Json.GetProperty("lifecycle"), "ttl"), cleared.Body);
        Assert.True(IsAbsent(cleared.Json.GetProperty("lifecycle"), "ttl_seconds"), cleared.Body);
        var get = await Hearthd.GetAsync("/workspace/" + id).Within();
        Assert.True(IsAbsent(get.Workspace.GetProperty("lifecycle"), "ttl"), get.Body);
        Assert.True(IsAbsent(get.Workspace.GetProperty("lifecycle"), "ttl_expires_at"), get.Body);
        Assert.Equal("running", ApiAssert.WorkspaceStatus(get));
    }

    [Theory]
    [InlineData("""["A=1","HEARTH_T=x=y"]""")]
    [InlineData("""[{"key":"A","value":"1"},{"key":"HEARTH_T","value":"x=y"}]""")]
    [InlineData("""{"A":"1","HEARTH_T":"x=y"}""")]
    public async Task Env_in_each_form_reaches_the_main_process(string env)
    {
        var created = await CreateAsync($$$"""{"image":"busybox","config":{"env":{{{env}}},"cmd":["/bin/sh","-c","env > /tmp/env.txt; exec sleep 100000"]}}""");
        var id = created.GetProperty("id").GetString()!;
        var config = created.GetProperty("config").GetProperty("env");
        Assert.Equal("1", config.GetProperty("A").GetString());

        var path = HostProbe.InRootfs(Hearthd, id, "/tmp/env.txt");
        var lines = await HostProbe.EventuallyAsync(() => File.Exists(path) ? File.ReadAllLines(path) : [],
            l => l.Contains("HEARTH_T=x=y"), TimeSpan.FromSeconds(10), "env of the main process");

        Assert.Contains("A=1", lines);
        Assert.Contains("HEARTH_T=x=y", lines);
        Assert.Contains($"HEARTH_WORKSPACE_ID={id}", lines);
    }

    [Fact]
    public async Task A_cmd_string_runs_through_the_shell()
    {
        var created = await CreateAsync("""{"image":"busybox","config":{"cmd":"echo $((6*7)) > /tmp/answer; exec sleep 100000"}}""");
        var id = created.GetProperty("id").GetString()!;

        var path = HostProbe.InRootfs(Hearthd, id, "/tmp/answer");
        var answer = await HostProbe.EventuallyAsync(() => File.Exists(path) ? File.ReadAllText(path).Trim() : "", a => a.Length > 0,
            TimeSpan.FromSeconds(10), "the cmd's output");

        Assert.Equal("42", answer);
        Assert.Equal(["/bin/sh", "-c", "echo $((6*7)) > /tmp/answer; exec sleep 100000"],
            created.GetProperty("config").GetProperty("cmd").EnumerateArray().Select(a => a.GetString()!).ToArray());
    }

    private async Task<JsonElement> CreateAsync(string json)
    {
        var response = await Hearthd.PostAsync("/workspace", json).Within(Bounded.Create);
        ApiAssert.Status(response, HttpStatusCode.Created);
        return response.Workspace;
    }

    private static bool IsAbsent(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null;
}
