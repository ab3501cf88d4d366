using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Metrics;

/// <summary><c>GET /workspace/:id/info</c> (raw facts, checked against the host's own) and <c>/config</c> (as stored).</summary>
public sealed class InfoAndConfigTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Info_gives_the_host_facts_of_a_running_workspace()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","slug":"info-box","cpus":2,"memory_mb":256,"disk_size_mb":512}""").Within(Bounded.Create);
        var workspace = (await Hearthd.GetAsync($"/workspace/{id}").Within()).Workspace;

        var info = (await Hearthd.GetAsync("/workspace/info-box/info").Within()).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("info");

        Assert.Equal(id, info.GetProperty("id").GetString());
        Assert.Equal("running", info.GetProperty("status").GetString());
        Assert.Equal("container", info.GetProperty("runtime").GetString());
        var crun = (await Command.RunAsync("crun", ["--version"]).Within()).EnsureSuccess().Stdout.Split('\n')[0];
        Assert.Equal(crun, "crun version " + info.GetProperty("runtime_version").GetString());
        Assert.Equal("busybox", info.GetProperty("image").GetString());
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), info.GetProperty("kernel").GetString());
        Assert.Equal("info-box", info.GetProperty("hostname").GetString());
        Assert.Equal((2, 256, 512), (info.GetProperty("cpus").GetInt32(), info.GetProperty("memory_mb").GetInt32(), info.GetProperty("disk_size_mb").GetInt32()));
        Assert.Equal(workspace.GetProperty("network").GetProperty("ip").GetString(), info.GetProperty("internal_ip").GetString());
        var state = (await Command.RunAsync("crun", ["--root", Hearthd.CrunRoot, "state", id]).Within()).EnsureSuccess();
        Assert.Equal(JsonDocument.Parse(state.Stdout).RootElement.GetProperty("pid").GetInt32(), info.GetProperty("init_pid").GetInt32());
        Assert.InRange(info.GetProperty("started_at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow);
        Assert.InRange(info.GetProperty("uptime").GetDouble(), 0, 120);

        (await Hearthd.PostAsync($"/workspace/{id}/stop").Within(Bounded.Create)).EnsureStatus(HttpStatusCode.OK);
        var stopped = (await Hearthd.GetAsync($"/workspace/{id}/info").Within()).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("info");
        Assert.Equal("stopped", stopped.GetProperty("status").GetString());
        Assert.False(stopped.TryGetProperty("init_pid", out _), $"a stopped workspace has no init: {stopped}");
        Assert.Equal(0, stopped.GetProperty("uptime").GetDouble());
    }

    [Fact]
    public async Task Config_is_the_stored_configuration_as_details_has_it()
    {
        var id = await Hearthd.CreateWorkspaceAsync("""{"image":"busybox","config":{"cpus":1,"env":{"GREETING":"hi"},"custom_key":{"kept":true}}}""").Within(Bounded.Create);

        var config = (await Hearthd.GetAsync($"/workspace/{id}/config").Within()).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("config");

        Assert.Equal("hi", config.GetProperty("env").GetProperty("GREETING").GetString());
        Assert.True(config.GetProperty("custom_key").GetProperty("kept").GetBoolean());
        var details = (await Hearthd.GetAsync($"/workspace/{id}/details").Within()).Json.GetProperty("config");
        Assert.Equal(details.GetRawText(), config.GetRawText());

        (await Hearthd.SendAsync(HttpMethod.Patch, $"/workspace/{id}/resources", """{"memory_mb":384}""").Within()).EnsureStatus(HttpStatusCode.OK);
        config = (await Hearthd.GetAsync($"/workspace/{id}/config").Within()).Json.GetProperty("config");
        Assert.Equal(384, config.GetProperty("memory_mb").GetInt32());
    }
}
