using System.Net;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Cli;

/// <summary>The published <c>hearth</c> CLI against a real hearthd, as a user would run it.</summary>
public sealed class CliTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Create_json_prints_one_document_of_a_running_workspace()
    {
        var create = await HearthAsync("ws", "create", "--image", "busybox", "--json");

        Assert.True(create.ExitCode == 0, create.ToString());
        using var json = JsonDocument.Parse(create.Stdout); // exactly one JSON document, nothing else on stdout
        var workspace = json.RootElement.GetProperty("workspace");
        Assert.Equal("running", workspace.GetProperty("status").GetString());
        Assert.Equal("busybox", workspace.GetProperty("image").GetString());
        var id = workspace.GetProperty("id").GetString()!;
        Assert.Equal("running", ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
        Assert.Equal("up", (await Hearthd.ExecAsync(id, "echo", "up").Within()).Stdout.Trim());
    }

    [Fact]
    public async Task Ls_get_stop_start_pause_resume_and_rm_drive_the_workspace()
    {
        var create = await HearthAsync("ws", "create", "--image", "busybox", "--name", "cli-life", "--cpus", "2", "--memory", "256");
        Assert.True(create.ExitCode == 0, create.ToString());
        var id = create.Stdout.Trim();
        Assert.Matches("^ws_[a-z0-9]+$", id);
        var created = (await Hearthd.GetAsync("/workspace/" + id).Within()).Workspace;
        Assert.Equal(2, created.GetProperty("resources").GetProperty("cpus").GetInt32());
        Assert.Equal(256, created.GetProperty("resources").GetProperty("memory_mb").GetInt32());

        var ls = await HearthAsync("ws", "ls");
        Assert.True(ls.ExitCode == 0, ls.ToString());
        Assert.Contains(ls.Stdout.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal) && l.Contains("cli-life", StringComparison.Ordinal) && l.Contains("running", StringComparison.Ordinal));

        var get = await HearthAsync("ws", "get", id);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Contains(id, get.Stdout, StringComparison.Ordinal);
        Assert.Contains("running", get.Stdout, StringComparison.Ordinal);

        await StepAsync(id, "stop", "stopped");
        await StepAsync(id, "start", "running");
        await StepAsync(id, "pause", "paused");
        Assert.Equal("FROZEN", HostProbe.ReadCgroup("freezer", id, "freezer.state"));
        await StepAsync(id, "resume", "running");

        var rm = await HearthAsync("ws", "rm", id);
        Assert.True(rm.ExitCode == 0, rm.ToString());
        ApiAssert.Error(await Hearthd.GetAsync("/workspace/" + id).Within(), HttpStatusCode.NotFound, "not_found");
        Assert.Empty(await HostTraces.FindAsync(Hearthd, id).Within());
    }

    [Fact]
    public async Task Get_of_an_unknown_workspace_exits_1_with_an_error_on_stderr()
    {
        var get = await HearthAsync("ws", "get", "ws_nope");

        Assert.Equal(1, get.ExitCode);
        Assert.StartsWith("error:", get.Stderr, StringComparison.Ordinal);
        Assert.Contains("not_found", get.Stderr, StringComparison.Ordinal);
        Assert.Equal("", get.Stdout);
    }

    [Fact]
    public async Task Wrong_credentials_exit_1_with_an_authentication_error()
    {
        var ls = await Command.RunAsync(RepositoryPaths.HearthCli,
            ["ws", "ls", "--url", Hearthd.ApiUrl, "--client-id", Hearthd.ClientId, "--client-secret", "hs_wrong"]).Within();

        Assert.Equal(1, ls.ExitCode);
        Assert.Contains("authentication_error", ls.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ws_network_admits_a_workspace_live()
    {
        var a = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var b = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var ipA = (await Hearthd.GetAsync($"/workspace/{a}/network").Within()).Json.GetProperty("ip").GetString()!;
        var ipB = (await Hearthd.GetAsync($"/workspace/{b}/network").Within()).Json.GetProperty("ip").GetString()!;
        Assert.NotEqual(0, (await Hearthd.ExecAsync(a, "ping", "-c", "1", "-W", "1", ipB).Within()).ExitCode);

        var admit = await HearthAsync("ws", "network", b, "--ingress", ipA);

        Assert.True(admit.ExitCode == 0, admit.ToString());
        Assert.Contains($"Ingress    {ipA}", admit.Stdout, StringComparison.Ordinal);
        Assert.Contains($"IP         {ipB}", admit.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, (await Hearthd.ExecAsync(a, "ping", "-c", "1", "-W", "1", ipB).Within()).ExitCode);
        var shut = await HearthAsync("ws", "network", b, "--ingress", "");
        Assert.True(shut.ExitCode == 0, shut.ToString());
        Assert.Contains("Ingress    nobody", shut.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, (await Hearthd.ExecAsync(a, "ping", "-c", "1", "-W", "1", ipB).Within()).ExitCode);
    }

    private async Task StepAsync(string id, string verb, string status)
    {
        var run = await HearthAsync("ws", verb, id);
        Assert.True(run.ExitCode == 0, $"hearth ws {verb}: {run}");
        Assert.Equal($"{id} {status}", run.Stdout.Trim());
        Assert.Equal(status, ApiAssert.WorkspaceStatus(await Hearthd.GetAsync("/workspace/" + id).Within()));
    }

    private Task<CommandResult> HearthAsync(params string[] args) =>
        Command.RunAsync(RepositoryPaths.HearthCli,
            [.. args, "--url", Hearthd.ApiUrl, "--credentials", Path.Combine(Hearthd.DataDir, "admin-credentials.json")],
            TimeSpan.FromMinutes(2)).Within(Bounded.Create);
}
