using Hearth.Agent.Tests.Infrastructure;

namespace Hearth.Agent.Tests.Init;

/// <summary>
/// The init behaviour of Init/README.md, with the protocol server running beside it: exit
/// codes, signal forwarding, the shutdown, reaping.
/// </summary>
public sealed class InitTests
{
    [Fact]
    public async Task MainCommandExitCode_IsTheContainers()
    {
        await using var container = await AgentContainer.StartAsync("sh", "-c", "sleep 0.5; exit 7");
        Assert.Equal(7, await container.WaitForExitAsync());
    }

    [Fact]
    public async Task MissingMainCommand_Exits127()
    {
        await using var container = await AgentContainer.StartAsync(["no-such-command"], waitForSocket: false);
        Assert.Equal(127, await container.WaitForExitAsync());
        Assert.Contains("cannot run 'no-such-command'", container.Log);
    }

    [Fact]
    public async Task Signals_GoToTheMainCommand_NotToSpawnedProcesses()
    {
        await using var container = await AgentContainer.StartAsync("sh", "-c", "trap 'echo main > /tmp/main-got-usr1' USR1; trap 'exit 42' USR2; while true; do sleep 0.1; done");
        await using var client = await container.ConnectAsync();
        // Traps run between the short sleeps, so a USR1 that reached this shell would show at once.
        var spawned = await client.SpawnAsync(["sh", "-c", "trap 'echo got-usr1' USR1; while true; do sleep 0.1; done"]);

        await container.KillAsync("USR1");
        var main = await client.SpawnAsync(["sh", "-c", "sleep 0.5; cat /tmp/main-got-usr1"]);
        await main.WaitForEndAsync();

        Assert.Equal("main\n", main.StdoutText);
        Assert.DoesNotContain("got-usr1", spawned.StdoutText);
        // The control: the same signal sent to the spawned shell itself is seen, so the check above can fail.
        var direct = await client.SpawnAsync(["kill", "-USR1", spawned.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await direct.WaitForEndAsync();
        await WaitUntilAsync(() => spawned.StdoutText.Contains("got-usr1", StringComparison.Ordinal));

        await container.KillAsync("USR2");
        Assert.Equal(42, await container.WaitForExitAsync());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 50)
        {
            Assert.True(waited < 5000, "the condition did not hold within 5 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task SigTerm_StopsTheMainCommand_AndTheShutdownEndsSpawnedProcesses()
    {
        await using var container = await AgentContainer.StartAsync("sleep", "1000");
        await using var client = await container.ConnectAsync();
        var spawned = await client.SpawnAsync(["sleep", "1000"]);

        await container.KillAsync("TERM");
        Assert.Equal(128 + 15, await container.WaitForExitAsync());
        await client.Closed.Within();
        // Either the exit made it out before PID 1 ended, or the connection ended first.
        if (spawned.Ended.IsCompletedSuccessfully) Assert.Equal(15, (await spawned.Ended).Signal);
    }

    [Fact]
    public async Task WithoutMainCommand_SigTermEndsTheAgentWithZero()
    {
        await using var container = await AgentContainer.StartAsync();
        await using var client = await container.ConnectAsync();
        await container.KillAsync("TERM");
        Assert.Equal(0, await container.WaitForExitAsync());
    }

    [Fact]
    public async Task OrphansOfSpawnedProcesses_AreReaped()
    {
        await using var container = await AgentContainer.StartAsync();
        await using var client = await container.ConnectAsync();
        // The subshell's sleep outlives its parent; it is reparented to PID 1 and must be reaped.
        var process = await client.SpawnAsync(["sh", "-c", "(sleep 0.3 >/dev/null 2>&1 &) ; exit 0"]);
        Assert.Equal(0, (await process.WaitForEndAsync()).ExitCode);
        await Task.Delay(1000);

        var zombies = await client.SpawnAsync(["sh", "-c", "grep -l '^State:.*Z' /proc/[0-9]*/status || true"]);
        await zombies.WaitForEndAsync();
        Assert.Equal("", zombies.StdoutText);
    }

    [Fact]
    public async Task SpawnedProcesses_DoNotEndTheAgent()
    {
        await using var container = await AgentContainer.StartAsync("sleep", "1000");
        await using var client = await container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "exit 5"]);
        Assert.Equal(5, (await process.WaitForEndAsync()).ExitCode);
        await Task.Delay(300);
        var again = await client.SpawnAsync(["echo", "still-running"]);
        await again.WaitForEndAsync();
        Assert.Equal("still-running\n", again.StdoutText);
    }
}
