using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Hearth.Protocol.Json;
using Hearth.Protocol.Runtime;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk.Runtime;

/// <summary>
/// Commands inside the workspace (<c>/exec</c> on the runtime gateway); reached through
/// <see cref="RuntimeClient.Exec"/>. A task belongs to the workspace, not to the call: one whose
/// stream the caller leaves keeps running until it ends, is killed, or times out.
/// </summary>
/// <example>
/// <code>
/// var rt = await client.Workspaces.RuntimeAsync("ws_abc123");
/// var task = await rt.Exec.RunAsync(["sh", "-c", "echo hi; exit 3"]);
/// Console.WriteLine($"{task.ExitCode}: {task.Stdout}");
/// </code>
/// </example>
public sealed class ExecClient
{
    // A sync call waits for the command: give it its own timeout plus this much on top of the client's.
    private static readonly TimeSpan RunMargin = TimeSpan.FromSeconds(30);

    private readonly RuntimeConnection _connection;

    internal ExecClient(RuntimeConnection connection) => _connection = connection;

    /// <summary>
    /// Runs a command and waits for it to end: <c>POST /exec</c>. The call is bounded by the client's
    /// <see cref="HearthClientOptions.Timeout"/>, or by <see cref="ExecOptions.TimeoutSeconds"/> (plus a
    /// margin) when that is longer; stream a command that may outlive both.
    /// </summary>
    /// <param name="cmd">The argv.</param>
    /// <param name="options">Mode, timeout and retention; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call (the task keeps running).</param>
    /// <returns>The ended task with its whole stdout and stderr.</returns>
    /// <exception cref="HearthValidationException">An empty argv, or a program that cannot be started (<c>spawn_failed</c>).</exception>
    /// <example>
    /// <code>
    /// var task = await rt.Exec.RunAsync(["ls", "-la", "/app"]);
    /// if (task.ExitCode != 0) Console.Error.Write(task.Stderr);
    /// </code>
    /// </example>
    public Task<ExecTask> RunAsync(IReadOnlyList<string> cmd, ExecOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = Request(cmd, options);
        var timeout = _connection.Control.Timeout;
        if (options?.TimeoutSeconds is > 0 and var seconds && timeout != Timeout.InfiniteTimeSpan
            && TimeSpan.FromSeconds(seconds) + RunMargin > timeout)
        {
            timeout = TimeSpan.FromSeconds(seconds) + RunMargin;
        }

        return _connection.SendAsync(HttpMethod.Post, "exec", RequestBody.Json(request, HearthJsonContext.Default.ExecRequest),
            HearthJsonContext.Default.ExecTask, cancellationToken, timeout);
    }

    /// <summary>
    /// Starts a command and streams its events as they happen: <c>POST /exec/stream</c> (SSE). The
    /// first event is the task id; its stdin stays open for <see cref="WriteInputAsync"/>.
    /// </summary>
    /// <param name="cmd">The argv.</param>
    /// <param name="options">Mode, timeout and retention; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the enumeration (the task keeps running; kill it to stop it).</param>
    /// <returns>task id, stdout/stderr chunks, exit.</returns>
    /// <example>
    /// <code>
    /// await foreach (var e in rt.Exec.StreamAsync(["sh", "-c", "for i in 1 2 3; do echo $i; sleep 1; done"]))
    /// {
    ///     if (e.Kind == ExecEventKind.Stdout) Console.Write(Encoding.UTF8.GetString(e.Data.Span));
    /// }
    /// </code>
    /// </example>
    public IAsyncEnumerable<ExecEvent> StreamAsync(IReadOnlyList<string> cmd, ExecOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = RequestBody.Json(Request(cmd, options), HearthJsonContext.Default.ExecRequest);
        return ReadEventsAsync(HttpMethod.Post, "exec/stream", body, cancellationToken);
    }

    /// <summary>
    /// Follows a task that is already running, or replays a finished one: <c>GET /exec/stream?task_id=</c>.
    /// The buffered output comes first, then what follows.
    /// </summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>task id, stdout/stderr chunks, exit.</returns>
    /// <exception cref="HearthNotFoundException">No such task (or it outlived its ttl).</exception>
    /// <example>
    /// <code>
    /// await foreach (var e in rt.Exec.AttachAsync(taskId)) { /* ... */ }
    /// </code>
    /// </example>
    public IAsyncEnumerable<ExecEvent> AttachAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);
        return ReadEventsAsync(HttpMethod.Get, RuntimePaths.Query("exec/stream", ("task_id", taskId)), body: null, cancellationToken);
    }

    /// <summary>Writes bytes to a streamed task's stdin: <c>POST /exec/:id/input</c> (at most 1 MiB per call).</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="data">The bytes; may be empty to only close.</param>
    /// <param name="close">Close stdin after the bytes (<c>?close=true</c>): the command reads end of file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many bytes reached the task.</returns>
    /// <example>
    /// <code>
    /// await rt.Exec.WriteInputAsync(taskId, "hello\n"u8.ToArray(), close: true);
    /// </code>
    /// </example>
    public async Task<long> WriteInputAsync(string taskId, ReadOnlyMemory<byte> data, bool close = false, CancellationToken cancellationToken = default)
    {
        var path = RuntimePaths.Item("exec", taskId, "input");
        if (close)
        {
            path = RuntimePaths.Query(path, ("close", true));
        }

        var response = await _connection.SendAsync(HttpMethod.Post, path, RequestBody.Bytes(data, "application/octet-stream"),
            HearthJsonContext.Default.ExecInputResponse, cancellationToken).ConfigureAwait(false);
        return response.BytesWritten;
    }

    /// <summary>Kills a task (if it runs) and forgets it: <c>DELETE /exec/:id</c>.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="HearthNotFoundException">No such task.</exception>
    /// <example>
    /// <code>
    /// await rt.Exec.KillAsync(taskId);
    /// </code>
    /// </example>
    public Task KillAsync(string taskId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Delete, RuntimePaths.Item("exec", taskId), body: null,
            HearthJsonContext.Default.SuccessResponse, cancellationToken);

    /// <summary>Kills and forgets every task of the workspace: <c>DELETE /exec</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many tasks were deleted.</returns>
    /// <example>
    /// <code>
    /// var deleted = await rt.Exec.KillAllAsync();
    /// </code>
    /// </example>
    public async Task<int> KillAllAsync(CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Delete, "exec", body: null,
            HearthJsonContext.Default.ExecDeleteAllResponse, cancellationToken).ConfigureAwait(false);
        return response.Deleted;
    }

    /// <summary>Lists the workspace's tasks: <c>GET /exec</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tasks, newest first.</returns>
    /// <example>
    /// <code>
    /// foreach (var t in await rt.Exec.ListAsync()) Console.WriteLine($"{t.Id} {t.Status}");
    /// </code>
    /// </example>
    public async Task<IReadOnlyList<ExecTask>> ListAsync(CancellationToken cancellationToken = default)
    {
        var response = await _connection.SendAsync(HttpMethod.Get, "exec", body: null,
            HearthJsonContext.Default.ExecTaskList, cancellationToken).ConfigureAwait(false);
        return response.Tasks;
    }

    /// <summary>Reads one task with its buffered output: <c>GET /exec/:id</c>.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task.</returns>
    /// <exception cref="HearthNotFoundException">No such task.</exception>
    /// <example>
    /// <code>
    /// var t = await rt.Exec.GetAsync(taskId);
    /// </code>
    /// </example>
    public Task<ExecTask> GetAsync(string taskId, CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, RuntimePaths.Item("exec", taskId), body: null,
            HearthJsonContext.Default.ExecTask, cancellationToken);

    private static ExecRequest Request(IReadOnlyList<string> cmd, ExecOptions? options)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        if (cmd.Count == 0)
        {
            throw new ArgumentException("The command must have at least one element.", nameof(cmd));
        }

        return new ExecRequest
        {
            Cmd = cmd,
            ExecMode = options?.ExecMode,
            TimeoutSeconds = options?.TimeoutSeconds,
            TtlSeconds = options?.TtlSeconds,
            KeepLogs = options?.KeepLogs,
        };
    }

    private async IAsyncEnumerable<ExecEvent> ReadEventsAsync(
        HttpMethod method,
        string path,
        RequestBody? body,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await _connection.OpenAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        await foreach (var item in ServerSentEvents.ReadAsync(response, RuntimeConnection.Source, cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in Parse(item.EventType, item.Data))
            {
                yield return e;
            }
        }
    }

    /// <summary>One SSE event as the runtime writes it (<c>event: NAME</c>, <c>data: JSON</c>); unknown names and non-JSON data are skipped, as the official SDK does.</summary>
    internal static IEnumerable<ExecEvent> Parse(string eventType, string data)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            yield break;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                yield break;
            }

            switch (eventType)
            {
                case "task_id" when String(root, "task_id") is { } id:
                    yield return new ExecEvent { Kind = ExecEventKind.TaskId, TaskId = id };
                    break;
                case "stdout" or "stderr" when String(root, "data") is { } base64:
                    byte[] bytes;
                    try
                    {
                        bytes = Convert.FromBase64String(base64);
                    }
                    catch (FormatException ex)
                    {
                        throw new HearthApiException($"The runtime sent {eventType} data that is not base64.", System.Net.HttpStatusCode.OK,
                            HearthApiException.InvalidResponseCode, innerException: ex);
                    }

                    yield return new ExecEvent { Kind = eventType == "stdout" ? ExecEventKind.Stdout : ExecEventKind.Stderr, Data = bytes };
                    break;
                case "output":
                    // A runtime attaching to a finished task may replay its buffers as text in one event.
                    if (String(root, "stdout") is { Length: > 0 } stdout)
                    {
                        yield return new ExecEvent { Kind = ExecEventKind.Stdout, Data = Encoding.UTF8.GetBytes(stdout) };
                    }

                    if (String(root, "stderr") is { Length: > 0 } stderr)
                    {
                        yield return new ExecEvent { Kind = ExecEventKind.Stderr, Data = Encoding.UTF8.GetBytes(stderr) };
                    }

                    break;
                case "exit":
                    yield return new ExecEvent { Kind = ExecEventKind.Exit, ExitCode = Int(root, "exit_code"), Pid = Int(root, "pid") };
                    break;
            }
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
