using System.Text.Json;
using Hearth.Agent.Tests.Infrastructure;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Tests.Server;

/// <summary><c>spawn</c> with <c>pty</c>: a process on a real pseudo-terminal of the container's devpts.</summary>
public sealed class TerminalTests(IdleAgentFixture fixture) : IClassFixture<IdleAgentFixture>
{
    private static readonly AgentPtySize Size80x24 = new() { Cols = 80, Rows = 24 };

    private AgentContainer Container => fixture.Container;

    [Fact]
    public async Task ThePty_IsTheControllingTerminalOfANewSession_WithTheSizeAndTermAsked()
    {
        await using var client = await Container.ConnectAsync();
        // Fields 1, 6 and 7 of /proc/PID/stat are the pid, the session id and the controlling tty.
        var process = await client.SpawnAsync(["sh", "-c",
            "tty; stty size; set -- $(cat /proc/$$/stat); echo \"pid=$1 sid=$6 tty=$7\"; echo TERM=$TERM; test -t 0 && test -t 1 && test -t 2 && echo all-ttys"],
            pty: Size80x24);

        var exit = await process.WaitForEndAsync();

        Assert.Equal(0, exit.ExitCode);
        var lines = process.StdoutText.Split("\r\n");
        Assert.Matches(@"^/dev/pts/\d+$", lines[0]);
        Assert.Equal("24 80", lines[1]);
        var ids = lines[2].Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => long.Parse(f[1]));
        Assert.Equal(process.Pid, ids["pid"]);
        Assert.Equal(ids["pid"], ids["sid"]);
        Assert.NotEqual(0, ids["tty"]);
        Assert.Equal("TERM=xterm-256color", lines[3]);
        Assert.Equal("all-ttys", lines[4]);
        Assert.Empty(process.StderrText);
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task Resize_ChangesWhatSttySees_AndSignalsTheForegroundGroup()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "trap 'echo winched' WINCH; stty size; read line; stty size"],
            pty: Size80x24);
        await WaitUntilAsync(() => process.StdoutText.Contains("24 80\r\n", StringComparison.Ordinal));

        await ResizeAsync(client, process, """{"cols":132,"rows":43}""");
        await process.WriteStdinAsync("go\n"u8.ToArray());
        var exit = await process.WaitForEndAsync();

        Assert.Equal(0, exit.ExitCode);
        // The line discipline echoes "go" on its own schedule (a kernel work item), so it may
        // land before or after the second stty: only the program's own lines are in order.
        var lines = process.StdoutText.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Where(l => l != "go").ToList();
        Assert.Equal("43 132", lines[^1]);
        Assert.Contains("winched", lines);
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task ABadResize_IsABadRequestOnStreamZero_AndTheTerminalGoesOn()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "read line; stty size"], pty: Size80x24);

        await ResizeAsync(client, process, """{"cols":0,"rows":24}""");
        var answer = await client.NextConnectionMessageAsync();
        await process.WriteStdinAsync("\n"u8.ToArray());
        var exit = await process.WaitForEndAsync();

        Assert.Equal("error", answer.Op);
        Assert.Equal("bad_request", answer.Error);
        Assert.Contains($"stream {process.Stream}", answer.Message, StringComparison.Ordinal);
        Assert.Equal(0, exit.ExitCode);
        Assert.EndsWith("24 80\r\n", process.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlC_InterruptsTheForegroundJob_NotTheInteractiveShell()
    {
        await using var client = await Container.ConnectAsync();
        var shell = await client.SpawnAsync(["sh", "-i"], env: new Dictionary<string, string> { ["PS1"] = "$ " }, pty: Size80x24);
        await shell.WriteStdinAsync("sleep 1000\n"u8.ToArray());
        // ^C flushes what the shell has not read yet: send it only once sleep runs.
        await WaitUntilAsync(async () => await IsRunningAsync(client, "sleep 1000"));

        await shell.WriteStdinAsync([0x03]);
        await shell.WriteStdinAsync("echo status=$?\n"u8.ToArray());
        await WaitUntilAsync(() => shell.StdoutText.Contains("status=130", StringComparison.Ordinal));
        await shell.WriteStdinAsync("exit 7\n"u8.ToArray());
        var exit = await shell.WaitForEndAsync();

        Assert.Equal(7, exit.ExitCode);
        Assert.False(await IsRunningAsync(client, "sleep 1000"));
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task OutputWrittenJustBeforeTheExit_IsAllRead()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "seq 1 20000; echo END; exit 3"], pty: Size80x24);

        var exit = await process.WaitForEndAsync();

        Assert.Equal(3, exit.ExitCode);
        var lines = process.StdoutText.Split("\r\n");
        Assert.Equal(Enumerable.Range(1, 20000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("END").Append(""), lines);
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task TypedInput_IsEchoedAndRead_LikeAKeyboard()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "read a; echo got:$a"], pty: Size80x24);

        await process.WriteStdinAsync("hello\r"u8.ToArray());
        var exit = await process.WaitForEndAsync();

        Assert.Equal(0, exit.ExitCode);
        // The line discipline echoes the keys and turns CR into NL (icrnl), as a terminal does.
        Assert.Equal("hello\r\ngot:hello\r\n", process.StdoutText);
    }

    [Fact]
    public async Task ABadSize_IsABadRequest()
    {
        await using var client = await Container.ConnectAsync();
        var process = client.Open(client.NextStream());
        await client.SendControlAsync(process.Stream, new AgentMessage { Op = "spawn", Argv = ["sh"], Pty = new AgentPtySize { Cols = 5000, Rows = 24 } });

        var answer = await process.Started.Within();

        Assert.Equal("error", answer.Op);
        Assert.Equal("bad_request", answer.Error);
        Assert.Contains("pty", answer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectionLoss_HangsTheTerminalUp()
    {
        await using (var first = await Container.ConnectAsync())
        {
            var shell = await first.SpawnAsync(["sh", "-c", "sleep 1001"], pty: Size80x24);
            await WaitUntilAsync(async () => await IsRunningAsync(first, "sleep 1001"));
            Assert.False(shell.Ended.IsCompleted);
        }

        await using var second = await Container.ConnectAsync();
        await WaitUntilAsync(async () => !await IsRunningAsync(second, "sleep 1001"));
    }

    private static Task ResizeAsync(AgentClient client, RemoteProcess process, string args) =>
        client.SendControlAsync(process.Stream, new AgentMessage { Op = "resize", Args = JsonDocument.Parse(args).RootElement });

    /// <summary>Whether a process whose command line starts with <paramref name="commandLine"/> runs (busybox has no pgrep).</summary>
    private static async Task<bool> IsRunningAsync(AgentClient client, string commandLine)
    {
        var process = await client.SpawnAsync(["sh", "-c",
            "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null | grep -q \"^$0\" && exit 0; done; exit 1", commandLine]);
        return (await process.WaitForEndAsync()).ExitCode == 0;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bounded.Request;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition did not hold in time");
            await Task.Delay(50);
        }
    }
}
