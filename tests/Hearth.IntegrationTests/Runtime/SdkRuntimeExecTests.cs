using System.Net;
using System.Text;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Sdk;
using Hearth.Sdk.Runtime;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>The C# SDK's runtime client (token minting, exec) against a real hearthd and a real busybox workspace.</summary>
public sealed class SdkRuntimeExecTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Run_returns_stdout_stderr_and_the_exit_code()
    {
        using var client = Client();
        var rt = await client.Workspaces.RuntimeAsync(await WorkspaceAsync()).Within();

        var task = await rt.Exec.RunAsync(["sh", "-c", "echo out; echo err >&2; exit 3"]).Within();

        Assert.Equal(3, task.ExitCode);
        Assert.Equal("out\n", task.Stdout);
        Assert.Equal("err\n", task.Stderr);
        Assert.Equal("exited", task.Status);
        Assert.StartsWith("task_", task.Id, StringComparison.Ordinal);
        Assert.Equal(task.Id, (await rt.Exec.GetAsync(task.Id).Within()).Id);
    }

    [Fact]
    public async Task A_timeout_kills_the_command_and_the_task_says_so()
    {
        using var client = Client();
        var rt = await client.Workspaces.RuntimeAsync(await WorkspaceAsync()).Within();

        var task = await rt.Exec.RunAsync(["sleep", "30"], new ExecOptions { TimeoutSeconds = 1 }).Within();

        Assert.True(task.TimedOut);
        Assert.Equal(137, task.ExitCode);
    }

    [Fact]
    public async Task Stream_yields_the_task_id_raw_output_bytes_and_the_exit_code()
    {
        using var client = Client();
        var rt = await client.Workspaces.RuntimeAsync(await WorkspaceAsync()).Within();

        var events = await CollectAsync(rt.Exec.StreamAsync(["sh", "-c", "printf 'a\\0b'; echo e >&2; exit 4"]));

        Assert.Equal(ExecEventKind.TaskId, events[0].Kind);
        Assert.StartsWith("task_", events[0].TaskId, StringComparison.Ordinal);
        Assert.Equal(new byte[] { (byte)'a', 0, (byte)'b' }, Bytes(events, ExecEventKind.Stdout));
        Assert.Equal("e\n"u8.ToArray(), Bytes(events, ExecEventKind.Stderr));
        Assert.Equal(ExecEventKind.Exit, events[^1].Kind);
        Assert.Equal(4, events[^1].ExitCode);
    }

    [Fact]
    public async Task A_streamed_task_reads_the_input_written_to_it_until_it_is_closed()
    {
        using var client = Client();
        var rt = await client.Workspaces.RuntimeAsync(await WorkspaceAsync()).Within();
        using var timeout = new CancellationTokenSource(Bounded.Request);

        var events = new List<ExecEvent>();
        await foreach (var e in rt.Exec.StreamAsync(["cat"], cancellationToken: timeout.Token))
        {
            events.Add(e);
            if (e.Kind == ExecEventKind.TaskId)
            {
                Assert.Equal(4, await rt.Exec.WriteInputAsync(e.TaskId!, "fed\n"u8.ToArray()).Within());
                await rt.Exec.WriteInputAsync(e.TaskId!, "more"u8.ToArray(), close: true).Within();
            }
        }

        Assert.Equal("fed\nmore", Encoding.UTF8.GetString(Bytes(events, ExecEventKind.Stdout)));
        Assert.Equal(0, events[^1].ExitCode);
        var task = await rt.Exec.GetAsync(events[0].TaskId!).Within();
        Assert.Equal("fed\nmore", task.Stdout);
        Assert.Contains(await rt.Exec.ListAsync().Within(), t => t.Id == task.Id);
    }

    [Fact]
    public async Task Attach_follows_a_running_task_and_replays_a_finished_one()
    {
        using var client = Client();
        var rt = await client.Workspaces.RuntimeAsync(await WorkspaceAsync()).Within();

        // Start it streamed, keep only its id, and leave: the task runs on without a reader.
        string? taskId = null;
        await foreach (var e in rt.Exec.StreamAsync(["sh", "-c", "echo one; sleep 1; echo two"]))
        {
            taskId = e.TaskId;
            break;
        }

        Assert.NotNull(taskId);
        var followed = await CollectAsync(rt.Exec.AttachAsync(taskId));
        Assert.Equal("one\ntwo\n", Encoding.UTF8.GetString(Bytes(followed, ExecEventKind.Stdout)));
        Assert.Equal(0, followed[^1].ExitCode);

        var replayed = await CollectAsync(rt.Exec.AttachAsync(taskId));
        Assert.Equal("one\ntwo\n", Encoding.UTF8.GetString(Bytes(replayed, ExecEventKind.Stdout)));
        Assert.Equal(ExecEventKind.Exit, replayed[^1].Kind);
    }

    [Fact]
    public async Task Kill_ends_a_running_task_with_137_and_forgets_it_and_kill_all_counts()
    {
        using var client = Client();
        var rt = await client.Workspaces.RuntimeAsync(await WorkspaceAsync()).Within();
        using var timeout = new CancellationTokenSource(Bounded.Request);

        var events = new List<ExecEvent>();
        await foreach (var e in rt.Exec.StreamAsync(["sleep", "300"], cancellationToken: timeout.Token))
        {
            events.Add(e);
            if (e.Kind == ExecEventKind.TaskId)
            {
                await rt.Exec.KillAsync(e.TaskId!).Within();
            }
        }

        Assert.Equal(137, events[^1].ExitCode);
        await Assert.ThrowsAsync<HearthNotFoundException>(() => rt.Exec.GetAsync(events[0].TaskId!).Within());

        await rt.Exec.RunAsync(["true"]).Within();
        Assert.True(await rt.Exec.KillAllAsync().Within() >= 1);
        Assert.Empty(await rt.Exec.ListAsync().Within());
    }

    [Fact]
    public async Task A_rotated_token_is_renewed_transparently_on_the_next_call()
    {
        using var client = Client();
        var id = await WorkspaceAsync();
        var rt = await client.Workspaces.RuntimeAsync(id).Within();
        await rt.Exec.RunAsync(["true"]).Within();

        // Rotation voids every token minted before it, the cached one included.
        (await Hearthd.PostAsync($"/workspace/{id}/runtime-api-access/token").Within()).EnsureStatus(HttpStatusCode.OK);

        var task = await rt.Exec.RunAsync(["echo", "again"]).Within();
        Assert.Equal("again\n", task.Stdout);
    }

    [Fact]
    public async Task The_gateway_address_override_is_used_and_a_wrong_one_is_a_network_error()
    {
        var id = await WorkspaceAsync();
        using var good = Client(new Uri(Hearthd.RuntimeUrl));
        Assert.Equal("ok\n", (await (await good.Workspaces.RuntimeAsync(id).Within()).Exec.RunAsync(["echo", "ok"]).Within()).Stdout);

        using var bad = Client(new Uri("http://127.0.0.1:1"));
        var rt = await bad.Workspaces.RuntimeAsync(id).Within();
        var ex = await Assert.ThrowsAsync<HearthApiException>(() => rt.Exec.RunAsync(["true"]).Within());
        Assert.Equal(HearthApiException.NetworkErrorCode, ex.Code);
    }

    [Fact]
    public async Task A_stopped_workspace_is_refused_by_the_gateway_with_409()
    {
        using var client = Client();
        var id = await WorkspaceAsync();
        var rt = await client.Workspaces.RuntimeAsync(id).Within();
        await client.Workspaces.StopAsync(id).Within(Bounded.Create);

        var ex = await Assert.ThrowsAsync<HearthConflictException>(() => rt.Exec.RunAsync(["true"]).Within());

        Assert.Equal("workspace_not_running", ex.Code);
    }

    private HearthClient Client(Uri? gateway = null) => new(new HearthClientOptions
    {
        BaseAddress = new Uri(Hearthd.ApiUrl),
        ClientId = Hearthd.ClientId,
        ClientSecret = Hearthd.ClientSecret,
        RuntimeGatewayAddress = gateway,
    });

    private Task<string> WorkspaceAsync() => Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

    private static byte[] Bytes(IEnumerable<ExecEvent> events, ExecEventKind kind) =>
        [.. events.Where(e => e.Kind == kind).SelectMany(e => e.Data.ToArray())];

    private static async Task<List<ExecEvent>> CollectAsync(IAsyncEnumerable<ExecEvent> events)
    {
        using var timeout = new CancellationTokenSource(Bounded.Request);
        var list = new List<ExecEvent>();
        await foreach (var e in events.WithCancellation(timeout.Token))
        {
            list.Add(e);
        }

        return list;
    }
}
