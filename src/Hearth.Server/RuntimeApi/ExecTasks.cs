using System.Collections.Concurrent;
using System.Security.Cryptography;
using Hearth.Runtime.Agent;
using Hearth.Server.Api;

namespace Hearth.Server.RuntimeApi;

/// <summary>
/// Runs exec tasks through the agent and keeps them for <c>ttl_seconds</c> after they end
/// (default 300, -1 forever). At most 50 tasks run at once per workspace.
/// </summary>
internal sealed partial class ExecTasks(AgentPool agents, ILogger<ExecTasks> logger)
{
    public const int MaxRunning = 50;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ExecTaskState>> byWorkspace = new();

    public IEnumerable<ExecTaskState> List(string workspaceId)
    {
        var tasks = Tasks(workspaceId);
        Expire(tasks);
        return tasks.Values.OrderByDescending(t => t.CreatedAt);
    }

    public ExecTaskState Get(string workspaceId, string taskId)
    {
        var tasks = Tasks(workspaceId);
        Expire(tasks);
        return tasks.TryGetValue(taskId, out var task) ? task : throw ApiException.NotFound($"task {taskId}");
    }

    /// <summary>Registers a task and starts it; output subscribed with <paramref name="subscribe"/> misses nothing.</summary>
    /// <remarks>
    /// A subscribed (streamed) task gets an agent connection of its own, so that its client can
    /// slow it down without slowing anything else (see <see cref="ExecTaskState"/>).
    /// </remarks>
    public async Task<(ExecTaskState Task, ExecSubscription? Events)> StartAsync(
        string workspaceId, IReadOnlyList<string> argv, int timeoutSeconds, int ttlSeconds, bool subscribe, bool keepStdin,
        CancellationToken cancellationToken)
    {
        var tasks = Tasks(workspaceId);
        Expire(tasks);
        var task = new ExecTaskState("task_" + RandomNumberGenerator.GetHexString(12, lowercase: true), argv, ttlSeconds, hasOwnConnection: subscribe);
        lock (tasks)
        {
            // Counted and registered together, so concurrent starts cannot pass the limit; a
            // pending task holds its slot while it starts.
            if (tasks.Values.Count(t => !t.Completion.IsCompleted) >= MaxRunning)
                throw new ApiException(429, "too_many_tasks", $"at most {MaxRunning} exec tasks run at once in a workspace");
            tasks[task.Id] = task;
        }
        var events = subscribe ? task.Subscribe(replay: false) : null;
        AgentConnection? own = null;
        AgentProcess process;
        try
        {
            own = subscribe ? await agents.RentAsync(workspaceId, cancellationToken) : null;
            var connection = own ?? await agents.GetAsync(workspaceId, cancellationToken);
            // Not the request's token: a client that hangs up between spawn and spawned would
            // otherwise leave a process running that no task names.
            process = await connection.SpawnAsync(argv, env: null, cwd: "/root", stdin: true, CancellationToken.None);
        }
        catch (Exception e)
        {
            tasks.TryRemove(task.Id, out _);
            events?.Dispose();
            if (own is not null) await agents.ReturnAsync(workspaceId, own);
            if (e is Hearth.Runtime.RuntimeException { Code: "spawn_failed" }) throw new ApiException(400, "spawn_failed", e.Message);
            throw;
        }
        task.Process = process;
        task.Started(process.Pid);
        if (!keepStdin) await process.CloseStdinAsync(cancellationToken);
        _ = PumpAsync(task, process, timeoutSeconds, own is null ? null : () => agents.ReturnAsync(workspaceId, own));
        return (task, events);
    }

    // returnConnection gives a streamed task's own connection back to the pool once the process has ended.
    private async Task PumpAsync(ExecTaskState task, AgentProcess process, int timeoutSeconds, Func<ValueTask>? returnConnection)
    {
        try
        {
            await PumpOutputAsync(task, process, timeoutSeconds);
        }
        finally
        {
            if (returnConnection is not null) await returnConnection();
        }
    }

    private async Task PumpOutputAsync(ExecTaskState task, AgentProcess process, int timeoutSeconds)
    {
        using var timeout = new CancellationTokenSource();
        var timedOut = false;
        if (timeoutSeconds > 0)
        {
            timeout.Token.Register(() => { timedOut = true; _ = process.SignalAsync(9); });
            timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        }
        try
        {
            await foreach (var item in process.Output.ReadAllAsync())
            {
                switch (item)
                {
                    case AgentData data:
                        await task.OutputAsync(data.IsStderr, data.Bytes);
                        break;
                    case AgentExit exit:
                        task.Process = null;
                        task.Exited(exit.ShellCode, timedOut);
                        return;
                }
            }
        }
        catch (Exception e)
        {
            LogTaskLost(e, task.Id);
        }
        task.Exited(-1, timedOut, "failed");
    }

    /// <summary>Writes to a running task's stdin, and closes it when asked; returns the bytes written.</summary>
    public async Task<int> InputAsync(string workspaceId, string taskId, ReadOnlyMemory<byte> bytes, bool close, CancellationToken cancellationToken)
    {
        var process = Get(workspaceId, taskId).Process ?? throw ApiException.Conflict($"task {taskId} has ended");
        if (bytes.Length > 0) await process.WriteStdinAsync(bytes, cancellationToken);
        if (close) await process.CloseStdinAsync(cancellationToken);
        return bytes.Length;
    }

    /// <summary>Kills a task's process group (if it still runs) and forgets the task.</summary>
    public async Task KillAsync(string workspaceId, string taskId)
    {
        var task = Get(workspaceId, taskId);
        if (task.Process is { } process)
        {
            try { await process.SignalAsync(9); }
            catch (Hearth.Runtime.RuntimeException) { } // the agent is gone: so is the process
        }
        Tasks(workspaceId).TryRemove(taskId, out _);
    }

    /// <summary>Kills every task of the workspace and forgets them; returns how many there were.</summary>
    public async Task<int> KillAllAsync(string workspaceId)
    {
        var ids = Tasks(workspaceId).Keys.ToList();
        foreach (var id in ids) await KillAsync(workspaceId, id);
        return ids.Count;
    }

    private ConcurrentDictionary<string, ExecTaskState> Tasks(string workspaceId) =>
        byWorkspace.GetOrAdd(workspaceId, _ => new ConcurrentDictionary<string, ExecTaskState>());

    private static void Expire(ConcurrentDictionary<string, ExecTaskState> tasks)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var (id, task) in tasks)
            if (task.TtlSeconds >= 0 && task.ExitedAt is { } exited && exited.AddSeconds(task.TtlSeconds) < now)
                tasks.TryRemove(id, out _);
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "exec task {TaskId}: lost the agent before the process ended")]
    private partial void LogTaskLost(Exception exception, string taskId);
}
