using Hearth.Agent.Tests.Infrastructure;

namespace Hearth.Agent.Tests.RunAs;

/// <summary>
/// <c>run-as</c> as the server uses it: the main command of <c>init</c>, with the argv of
/// src/Hearth.Agent/RunAs/README.md. A container per test, since the command's end is the container's.
/// </summary>
public sealed class RunAsMainCommandTests
{
    [Fact]
    public async Task MainCommand_RunsAsTheUser_InTheWorkdir_AndItsExitCodeIsTheContainers()
    {
        await using var container = await StartAsync("--user", "alice", "--workdir", "/srv/app", "--", "sh", "-c", "id -u; pwd; exit 3");
        Assert.Equal(3, await container.WaitForExitAsync());
        Assert.Equal("1000\n/srv/app\n", container.Log);
    }

    [Fact]
    public async Task MainCommand_KeepsThePidInitSignals()
    {
        // exec, not a child: the shell is the process (and group) init forwards SIGTERM to.
        await using var container = await StartAsync("--user", "nobody", "--", "sh", "-c", "trap 'exit 42' TERM; echo ready; while true; do sleep 0.1; done");
        for (var waited = 0; !container.Log.Contains("ready", StringComparison.Ordinal); waited += 50)
        {
            Assert.True(waited < 10_000, $"the command did not start: {container.Log}");
            await Task.Delay(50);
        }

        await container.KillAsync("TERM");
        Assert.Equal(42, await container.WaitForExitAsync());
    }

    [Fact]
    public async Task UnknownUser_EndsTheContainerWith126()
    {
        await using var container = await StartAsync("--user", "mallory", "--", "echo", "ran");
        Assert.Equal(126, await container.WaitForExitAsync());
        Assert.Equal("hearth-agent run-as: unknown user 'mallory' (not in /etc/passwd)\n", container.Log);
    }

    private static Task<AgentContainer> StartAsync(params string[] runAsArguments) =>
        AgentContainer.StartAsync([.. RunAsImage.Agent, "run-as", .. runAsArguments], waitForSocket: false, RunAsImage.Write);
}
