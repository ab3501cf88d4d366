using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Hearth.Agent.Tests.Infrastructure;
using Hearth.Protocol.Agent;

namespace Hearth.Agent.Tests.Server;

/// <summary>The agent protocol (docs/design/agent-protocol.md) against the real agent as PID 1.</summary>
public sealed class ProtocolTests(IdleAgentFixture fixture) : IClassFixture<IdleAgentFixture>
{
    private AgentContainer Container => fixture.Container;

    [Fact]
    public async Task Hello_AnswersWithVersionAgentAndPid()
    {
        await using var client = await AgentClient.ConnectAsync(Container.SocketPath);
        var hello = await client.HelloAsync();
        Assert.Equal("hello", hello.Op);
        Assert.Equal(1, hello.Version);
        Assert.StartsWith("hearth-agent ", hello.Agent);
        Assert.Equal(1, hello.Pid);
    }

    [Fact]
    public async Task Hello_WithAnotherVersion_IsRefusedAndTheConnectionCloses()
    {
        await using var client = await AgentClient.ConnectAsync(Container.SocketPath);
        var answer = await client.HelloAsync(version: 2);
        Assert.Equal("error", answer.Op);
        Assert.Equal("unsupported_version", answer.Error);
        await client.Closed.Within();
    }

    [Fact]
    public async Task FirstFrame_OtherThanHello_IsRefusedAndTheConnectionCloses()
    {
        await using var client = await AgentClient.ConnectAsync(Container.SocketPath);
        await client.SendControlAsync(1, new AgentMessage { Op = "spawn", Argv = ["true"] });
        var answer = await client.NextConnectionMessageAsync();
        Assert.Equal("error", answer.Op);
        Assert.Equal("bad_request", answer.Error);
        await client.Closed.Within();
    }

    [Fact]
    public async Task Spawn_SendsStdoutStderrAndTheExitCode()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "echo out; echo err >&2; exit 3"]);
        Assert.Equal("spawned", (await process.Started).Op);
        Assert.True(process.Pid > 1);

        var exit = await process.WaitForEndAsync();
        Assert.Equal("exit", exit.Op);
        Assert.Equal(3, exit.ExitCode);
        Assert.Null(exit.Signal);
        Assert.Equal("out\n", process.StdoutText);
        Assert.Equal("err\n", process.StderrText);
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task BinaryOutput_ArrivesByteExact()
    {
        await using var client = await Container.ConnectAsync();
        // The bytes on stdout, their sha256 on stderr, computed inside the container.
        var process = await client.SpawnAsync(["sh", "-c",
            "head -c 1000000 /dev/urandom > /tmp/random.bin && sha256sum /tmp/random.bin >&2 && cat /tmp/random.bin; rm -f /tmp/random.bin"]);
        var exit = await process.WaitForEndAsync();
        Assert.Equal(0, exit.ExitCode);

        var stdout = process.Stdout;
        Assert.Equal(1_000_000, stdout.Length);
        var expected = process.StderrText.Split(' ')[0];
        Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(stdout)));
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task Stdin_RoundTripsThroughCat_AndStdinCloseEndsIt()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["cat"], stdin: true);
        // More than the pipes hold (64 KiB each way), so cat must be writing while stdin is queued.
        var data = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        for (var offset = 0; offset < data.Length; offset += 60_000)
            await process.WriteStdinAsync(data[offset..Math.Min(data.Length, offset + 60_000)]);
        await process.CloseStdinAsync();

        var exit = await process.WaitForEndAsync();
        Assert.Equal(0, exit.ExitCode);
        Assert.True(data.AsSpan().SequenceEqual(process.Stdout), $"cat gave back {process.Stdout.Length} of {data.Length} bytes, or other bytes");
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task WithoutStdin_TheProcessReadsDevNull()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "cat; readlink /proc/self/fd/0 >&2"]);
        await process.WriteStdinAsync("ignored"u8.ToArray());
        var exit = await process.WaitForEndAsync();
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal("", process.StdoutText);
        Assert.Equal("/dev/null\n", process.StderrText);
    }

    [Fact]
    public async Task Signal_Kill_EndsTheProcessWithThatSignal()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sleep", "100"]);
        await process.SignalAsync(9);
        var exit = await process.WaitForEndAsync();
        Assert.Equal("exit", exit.Op);
        Assert.Equal(9, exit.Signal);
        Assert.Null(exit.ExitCode);
    }

    [Fact]
    public async Task Signal_ReachesTheWholeProcessGroup()
    {
        await using var client = await Container.ConnectAsync();
        // The background sleep keeps stdout open: the stream cannot end while it lives.
        var process = await client.SpawnAsync(["sh", "-c", "sleep 1000 & echo started; wait"]);
        await WaitUntilAsync(() => process.StdoutText == "started\n");
        await process.SignalAsync(15);
        var exit = await process.WaitForEndAsync();
        Assert.Equal(15, exit.Signal);
    }

    [Fact]
    public async Task Exit_WaitsForTheOutputOfWhatTheProcessLeftBehind()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "(sleep 0.5; echo late) & echo early"]);
        var exit = await process.WaitForEndAsync();
        Assert.Equal(0, exit.ExitCode);
        Assert.Equal("early\nlate\n", process.StdoutText);
    }

    [Fact]
    public async Task TwentyConcurrentSpawns_EachGetTheirOwnOutput()
    {
        await using var client = await Container.ConnectAsync();
        var processes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.SpawnAsync(
            ["sh", "-c", $"for n in 1 2 3 4 5; do echo {i}-$n; sleep 0.01; done; echo err-{i} >&2; exit {i}"])));
        var exits = await Task.WhenAll(processes.Select(p => p.WaitForEndAsync()));

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(i, exits[i].ExitCode);
            Assert.Equal(string.Concat(Enumerable.Range(1, 5).Select(n => $"{i}-{n}\n")), processes[i].StdoutText);
            Assert.Equal($"err-{i}\n", processes[i].StderrText);
        }

        Assert.Equal(20, processes.Select(p => p.Pid).Distinct().Count());
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task MissingProgram_IsSpawnFailed()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["no-such-program", "x"]);
        var error = await process.Started;
        Assert.Equal("error", error.Op);
        Assert.Equal("spawn_failed", error.Error);
        Assert.Equal("no such file: no-such-program", error.Message);

        var absolute = await client.SpawnAsync(["/bin/no-such-program"]);
        var absoluteError = await absolute.Started;
        Assert.Equal("spawn_failed", absoluteError.Error);
        Assert.Equal("no such file: /bin/no-such-program", absoluteError.Message);
    }

    [Fact]
    public async Task MissingWorkingDirectory_IsSpawnFailed()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["true"], cwd: "/no/such/dir");
        var error = await process.Started;
        Assert.Equal("spawn_failed", error.Error);
        Assert.Equal("no such directory: /no/such/dir", error.Message);
    }

    [Fact]
    public async Task EnvAndCwd_AreAppliedOnTopOfTheAgentsEnvironment()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "echo $FOO; echo $TERM; pwd"],
            env: new Dictionary<string, string> { ["FOO"] = "bar baz", ["TERM"] = "dumb" }, cwd: "/tmp");
        await process.WaitForEndAsync();
        Assert.Equal("bar baz\ndumb\n/tmp\n", process.StdoutText);

        var inherited = await client.SpawnAsync(["sh", "-c", "echo $TERM; pwd"]);
        await inherited.WaitForEndAsync();
        // crun spec's environment; the default working directory is /.
        Assert.Equal("xterm\n/\n", inherited.StdoutText);
    }

    [Fact]
    public async Task PathFromEnv_IsTheOneSearched()
    {
        await using var client = await Container.ConnectAsync();
        var setup = await client.SpawnAsync(["sh", "-c",
            "mkdir -p /tmp/pbin && printf '#!/bin/sh\\necho from-pbin\\n' > /tmp/pbin/hello && chmod +x /tmp/pbin/hello"]);
        Assert.Equal(0, (await setup.WaitForEndAsync()).ExitCode);

        var found = await client.SpawnAsync(["hello"], env: new Dictionary<string, string> { ["PATH"] = "/tmp/pbin:/bin" });
        await found.WaitForEndAsync();
        Assert.Equal("from-pbin\n", found.StdoutText);

        var notFound = await client.SpawnAsync(["hello"]);
        Assert.Equal("spawn_failed", (await notFound.Started).Error);
    }

    [Fact]
    public async Task DuplicateStream_IsABadRequestOnStreamZero_AndTheRunningStreamGoesOn()
    {
        await using var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["cat"], stdin: true);
        await client.SendControlAsync(process.Stream, new AgentMessage { Op = "spawn", Argv = ["true"] });
        var error = await client.NextConnectionMessageAsync();
        Assert.Equal("bad_request", error.Error);
        Assert.Contains($"stream {process.Stream}", error.Message);

        await process.WriteStdinAsync("still here\n"u8.ToArray());
        await process.CloseStdinAsync();
        Assert.Equal(0, (await process.WaitForEndAsync()).ExitCode);
        Assert.Equal("still here\n", process.StdoutText);
        Assert.Empty(client.Violations);
    }

    [Fact]
    public async Task MalformedControlMessage_IsABadRequest()
    {
        await using var client = await Container.ConnectAsync();
        var stream = client.Open(client.NextStream());
        await client.SendAsync(new Frame(FrameKind.Control, stream.Stream, "{\"op\":\"spawn\",\"argv\":"u8.ToArray()));
        var error = await stream.Started.Within();
        Assert.Equal("error", error.Op);
        Assert.Equal("bad_request", error.Error);

        var noArgv = await client.SpawnAsync([]);
        Assert.Equal("bad_request", (await noArgv.Started).Error);

        // The connection is still good.
        var process = await client.SpawnAsync(["echo", "ok"]);
        await process.WaitForEndAsync();
        Assert.Equal("ok\n", process.StdoutText);
    }

    [Fact]
    public async Task ConnectionLoss_LeavesTheProcessRunning_AndTheAgentAnswersANewConnection()
    {
        int pid;
        await using (var first = await Container.ConnectAsync())
        {
            var process = await first.SpawnAsync(["sh", "-c", "yes | head -c 100000000; echo $? > /tmp/yes-status"]);
            process.DiscardOutput = true;
            pid = process.Pid;
            await WaitUntilAsync(() => process.OutputBytes > 0);
            Assert.False(process.Ended.IsCompleted, "the run should still be going when the connection drops");
        }

        await using var second = await Container.ConnectAsync();
        // head -c reports 0 only if it wrote all 100 MB: nothing died of SIGPIPE or got stuck on a full pipe.
        var status = "";
        await WaitUntilAsync(async () =>
        {
            var cat = await second.SpawnAsync(["sh", "-c", "cat /tmp/yes-status 2>/dev/null"]);
            await cat.WaitForEndAsync();
            status = cat.StdoutText;
            return status.Length > 0;
        }, TimeSpan.FromSeconds(60));
        Assert.Equal("0\n", status);

        // ... and the shell has been reaped, not left a zombie.
        await WaitUntilAsync(async () =>
        {
            var probe = await second.SpawnAsync(["sh", "-c", $"test -e /proc/{pid}"]);
            return (await probe.WaitForEndAsync()).ExitCode == 1;
        });

        var echo = await second.SpawnAsync(["echo", "responsive"]);
        await echo.WaitForEndAsync();
        Assert.Equal("responsive\n", echo.StdoutText);
    }

    [Fact]
    public async Task TwoConnections_AreServedAtOnce()
    {
        await using var first = await Container.ConnectAsync();
        await using var second = await Container.ConnectAsync();
        var a = await first.SpawnAsync(["cat"], stdin: true);
        var b = await second.SpawnAsync(["cat"], stdin: true);
        await b.WriteStdinAsync("to b\n"u8.ToArray());
        await a.WriteStdinAsync("to a\n"u8.ToArray());
        await Task.WhenAll(a.CloseStdinAsync(), b.CloseStdinAsync());
        await Task.WhenAll(a.WaitForEndAsync(), b.WaitForEndAsync());
        Assert.Equal("to a\n", a.StdoutText);
        Assert.Equal("to b\n", b.StdoutText);
    }

    [Fact]
    public async Task AClientThatStopsReading_HoldsItsOutputBack_AndOthersAreServed()
    {
        // A raw socket that says hello, starts `yes` and never reads again.
        using var stalled = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await stalled.ConnectAsync(new UnixDomainSocketEndPoint(Container.SocketPath)).Within();
        await using (var raw = new NetworkStream(stalled, ownsSocket: false))
        {
            await SendAsync(raw, 0, new AgentMessage { Op = "hello", Version = 1 });
            await SendAsync(raw, 1, new AgentMessage { Op = "spawn", Argv = ["sh", "-c", "echo $$ > /tmp/stalled.pid; exec yes"] });
        }

        await using var client = await Container.ConnectAsync();
        var pid = "";
        await WaitUntilAsync(async () =>
        {
            var cat = await client.SpawnAsync(["cat", "/tmp/stalled.pid"]);
            await cat.WaitForEndAsync();
            pid = cat.StdoutText.Trim();
            return pid.Length > 0;
        });
        await Task.Delay(1000);
        var held = Container.ReadFootprint();
        await Task.Delay(1000);
        var later = Container.ReadFootprint();
        // yes is blocked on a full pipe; nothing piles up in the agent.
        Assert.True(later.RssKiB - held.RssKiB < 512, $"VmRSS {held.RssKiB} then {later.RssKiB} KiB");

        var echo = await client.SpawnAsync(["echo", "served"]);
        await echo.WaitForEndAsync();
        Assert.Equal("served\n", echo.StdoutText);

        // Once the stalled connection is gone, yes runs free (its output dropped) until killed.
        stalled.Close();
        var kill = await client.SpawnAsync(["kill", "-9", pid]);
        Assert.Equal(0, (await kill.WaitForEndAsync()).ExitCode);
    }

    [Fact]
    public async Task StdinBeyondTheLimit_IsDroppedAndReported_AndStdinCloses()
    {
        await using var client = await Container.ConnectAsync();
        // Reads nothing until stdin has been sent, then counts what is there.
        var process = await client.SpawnAsync(["sh", "-c", "sleep 1; wc -c"], stdin: true);
        var chunk = new byte[1024 * 1024];
        for (var i = 0; i < 9; i++)
            await process.WriteStdinAsync(chunk);

        var error = await client.NextConnectionMessageAsync();
        Assert.Equal("stdin_overflow", error.Error);
        Assert.Contains($"stream {process.Stream}", error.Message);
        // stdin was closed by the agent: wc ends without a stdin-close from the client.
        Assert.Equal(0, (await process.WaitForEndAsync()).ExitCode);
        Assert.True(long.Parse(process.StdoutText.Trim()) <= 8 * 1024 * 1024);
    }

    [Fact]
    public async Task AnUnknownFrameKind_ClosesTheConnection_NotItsProcesses()
    {
        var client = await Container.ConnectAsync();
        var process = await client.SpawnAsync(["sh", "-c", "sleep 0.5; echo survived > /tmp/unknown-kind"]);
        await client.SendAsync(new Frame((FrameKind)9, 0, ReadOnlyMemory<byte>.Empty));
        await client.Closed.Within();
        await client.DisposeAsync();

        await using var second = await Container.ConnectAsync();
        await WaitUntilAsync(async () =>
        {
            var cat = await second.SpawnAsync(["cat", "/tmp/unknown-kind"]);
            await cat.WaitForEndAsync();
            return cat.StdoutText == "survived\n";
        });
    }

    private static Task SendAsync(Stream stream, uint id, AgentMessage message) =>
        FrameCodec.WriteAsync(stream, new Frame(FrameKind.Control, id,
            JsonSerializer.SerializeToUtf8Bytes(message, AgentJsonContext.Default.AgentMessage))).AsTask().Within();

    private static Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Bounded.Request);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition did not hold in time");
            await Task.Delay(50);
        }
    }
}
