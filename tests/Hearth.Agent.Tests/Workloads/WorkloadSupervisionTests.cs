using Hearth.Agent.Tests.Infrastructure;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Workloads;
using static Hearth.Agent.Tests.Workloads.WorkloadOps;

namespace Hearth.Agent.Tests.Workloads;

/// <summary>Workloads in a real container: restart policies, stop, logs (docs/design/workloads.md).</summary>
public sealed class WorkloadSupervisionTests(IdleAgentFixture fixture) : IClassFixture<IdleAgentFixture>
{
    private static WorkloadSpec Spec(string name, string script, string policy, int maxRestarts = 3) => new()
    {
        Name = name,
        Cmd = ["sh", "-c", script],
        RestartPolicy = policy,
        MaxRestarts = maxRestarts,
        RestartDelay = 0.05,
        RestartBackoff = false,
    };

    [Theory]
    [InlineData("no", "exit 0", "exited", 0)]
    [InlineData("no", "exit 1", "failed", 0)]
    [InlineData("no", "kill -9 $$", "failed", 0)]
    [InlineData("never", "exit 0", "exited", 0)]
    [InlineData("never", "exit 1", "failed", 0)]
    [InlineData("never", "kill -9 $$", "failed", 0)]
    [InlineData("on-failure", "exit 0", "exited", 0)]
    [InlineData("on-failure", "exit 1", "failed", 3)]
    [InlineData("on-failure", "kill -9 $$", "failed", 3)]
    [InlineData("always", "exit 0", "failed", 3)]
    [InlineData("always", "exit 1", "failed", 3)]
    [InlineData("always", "kill -9 $$", "failed", 3)]
    [InlineData("unless-stopped", "exit 0", "failed", 3)]
    [InlineData("unless-stopped", "exit 1", "failed", 3)]
    [InlineData("unless-stopped", "kill -9 $$", "failed", 3)]
    public async Task A_policy_restarts_exactly_the_ends_it_covers(string policy, string script, string final, int restarts)
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();
        var name = $"p-{Guid.NewGuid():N}"[..12];

        await CreateAsync(client, Spec(name, $"echo run; {script}", policy));
        var info = await WaitForAsync(client, name, w => w.Status is "exited" or "failed");

        Assert.Equal(final, info.Status);
        Assert.Equal(restarts, info.RestartCount);
        var log = (await ReadLogAsync(client, new LogArgs { Workload = name, Tail = 1000 })).Text;
        Assert.Equal(restarts + 1, Lines(log).Count(l => l is ('o', "run")));
        if (script.StartsWith("kill")) Assert.Equal(9, info.ExitSignal);
    }

    [Fact]
    public async Task A_missing_command_fails_at_once_with_the_reason_in_status_and_log()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();

        var info = await CreateAsync(client, new WorkloadSpec { Name = "missing", Cmd = ["no-such-program", "x"], RestartPolicy = "always" });

        Assert.Equal("failed", info.Status);
        Assert.Contains("command not found: no-such-program", info.Error);
        Assert.Equal(0, info.RestartCount);
        var log = (await ReadLogAsync(client, new LogArgs { Workload = "missing", Tail = 10 })).Text;
        Assert.Contains(Lines(log), l => l.Stream == 's' && l.Text.Contains("command not found: no-such-program"));
    }

    [Fact]
    public async Task A_crash_loop_backs_off()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();
        var started = DateTime.UtcNow;

        await CreateAsync(client, Spec("backoff", "exit 3", "on-failure", maxRestarts: 3) with { RestartDelay = 0.2, RestartBackoff = true });
        var info = await WaitForAsync(client, "backoff", w => w.Status == "failed");

        // 0.2 + 0.4 + 0.8 s of delays.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1.4), $"gave up after {DateTime.UtcNow - started}");
        Assert.Equal(3, info.RestartCount);
        Assert.Contains("gave up after 3 restarts", info.Error);
    }

    [Fact]
    public async Task Stop_ends_the_whole_session_and_start_runs_it_again()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();

        var created = await CreateAsync(client, Spec("server", "sleep 4711 & sleep 4712; wait", "always"));
        Assert.Equal("running", created.Status);
        await WaitForAsync(client, "server", _ => ProcessesNamed("sleep 4711").Count == 1 && ProcessesNamed("sleep 4712").Count == 1);

        var stopped = await InfoAsync(client, "workload.stop", new WorkloadArgs { Ref = "server", TimeoutSeconds = 5 });

        Assert.Equal("stopped", stopped.Status);
        Assert.Empty(ProcessesNamed("sleep 4711"));
        Assert.Empty(ProcessesNamed("sleep 4712"));
        var started = await InfoAsync(client, "workload.start", new WorkloadArgs { Ref = created.Id });
        Assert.Equal("running", started.Status);
        Assert.NotEqual(created.Pid, started.Pid);
        await InfoAsync(client, "workload.delete", new WorkloadArgs { Ref = "server" });
        Assert.Equal("workload_not_found", (await CallAsync(client, "workload.get", new WorkloadArgs { Ref = "server" })).Error);
    }

    [Fact]
    public async Task Names_are_unique_and_work_as_ids()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();
        var first = await CreateAsync(client, Spec("dup", "sleep 100", "no"));

        var again = await CallAsync(client, "workload.create", new WorkloadArgs { Spec = Spec("dup", "true", "no") });
        var byId = await CallAsync(client, "workload.create", new WorkloadArgs { Spec = Spec(first.Id!, "true", "no") });

        Assert.Equal("workload_exists", again.Error);
        Assert.Equal("workload_exists", byId.Error);
        Assert.Equal(first.Id, (await GetAsync(client, "dup")).Id);
        await InfoAsync(client, "workload.delete", new WorkloadArgs { Ref = "dup", TimeoutSeconds = 1 });
    }

    [Fact]
    public async Task A_follower_gets_history_then_new_lines_without_a_gap()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();
        await CreateAsync(client, Spec("ticker", "i=0; while [ $i -lt 400 ]; do echo line-$i; i=$((i+1)); sleep 0.005; done; sleep 100", "no"));
        await Task.Delay(300);

        var follow = await client.StartOperationAsync("logs.read", System.Text.Json.JsonSerializer.SerializeToElement(
            new LogArgs { Workload = "ticker", Since = 0, Follow = true }, AgentWorkloadJsonContext.Default.LogArgs));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!follow.StdoutText.Contains("line-399\n") && DateTime.UtcNow < deadline) await Task.Delay(50);
        await follow.SignalAsync(15);
        await follow.WaitForEndAsync();

        var numbers = WorkloadOps.Lines(follow.StdoutText).Where(l => l.Stream == 'o').Select(l => int.Parse(l.Text["line-".Length..])).ToList();
        Assert.Equal(Enumerable.Range(0, 400), numbers);
        await InfoAsync(client, "workload.delete", new WorkloadArgs { Ref = "ticker", TimeoutSeconds = 1 });
    }

    [Fact]
    public async Task The_size_limit_keeps_the_newest_lines()
    {
        await using var client = await fixture.Container.ConnectAsync();
        await client.HelloAsync();
        // 3 MB of output against a 1 MB limit.
        await CreateAsync(client, Spec("chatty", "i=0; while [ $i -lt 30000 ]; do echo \"$i $(printf '%090d' 0)\"; i=$((i+1)); done", "no") with { MaxLogSizeMb = 1 });
        await WaitForAsync(client, "chatty", w => w.Status == "exited", seconds: 60);

        var config = await CallAsync(client, "logs.config", new LogArgs { Workload = "chatty" });
        var stored = config.Result!.Value.GetProperty("stored_bytes").GetInt64();
        var first = config.Result!.Value.GetProperty("first_cursor").GetInt64();
        var last = WorkloadOps.Lines((await ReadLogAsync(client, new LogArgs { Workload = "chatty", Tail = 2 })).Text).ToList();

        Assert.InRange(stored, 512 * 1024, 1024 * 1024);
        Assert.True(first > 0, "the oldest segments were dropped");
        Assert.StartsWith("29999 ", last.First(l => l.Stream == 'o').Text);
    }

    private static List<int> ProcessesNamed(string commandLine) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => int.TryParse(n, out _))
            .Where(n =>
            {
                try { return File.ReadAllText($"/proc/{n}/cmdline").Replace('\0', ' ').Trim() == commandLine; }
                catch (IOException) { return false; }
            })
            .Select(n => int.Parse(n!))
            .ToList();
}
