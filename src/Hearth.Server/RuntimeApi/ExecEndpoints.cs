using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Protocol.Runtime;
using Hearth.Server.Api;
using Hearth.Server.Validation;

namespace Hearth.Server.RuntimeApi;

/// <summary>The runtime API's <c>/exec</c> family, served by the gateway through the agent.</summary>
internal static class ExecEndpoints
{
    private const int DefaultTtlSeconds = 300;

    public static void MapExecEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/exec", async (HttpContext context, ExecTasks tasks) =>
        {
            var request = await ReadAsync(context);
            var workspace = GatewayAuthMiddleware.WorkspaceOf(context);
            if (request.Stream)
            {
                await StreamAsync(context, tasks, workspace.Id, request);
                return Results.Empty;
            }
            // Nobody can feed a sync task's stdin before it returns: it reads end of file at once.
            var (task, _) = await tasks.StartAsync(workspace.Id, request.Argv, request.TimeoutSeconds, request.TtlSeconds,
                subscribe: false, keepStdin: false, context.RequestAborted);
            // The task belongs to the workspace, not to this request: a client that hangs up does not kill it.
            await task.Completion.WaitAsync(context.RequestAborted);
            return Reply.Json(task.ToWire());
        });

        app.MapPost("/exec/stream", async (HttpContext context, ExecTasks tasks) =>
        {
            var request = await ReadAsync(context);
            await StreamAsync(context, tasks, GatewayAuthMiddleware.WorkspaceOf(context).Id, request);
        });

        app.MapGet("/exec/stream", async (HttpContext context, ExecTasks tasks) =>
        {
            var id = context.Request.Query["task_id"].ToString();
            if (string.IsNullOrEmpty(id)) throw ApiException.Invalid([new() { Field = "task_id", Message = "is required" }]);
            var task = tasks.Get(GatewayAuthMiddleware.WorkspaceOf(context).Id, id);
            if (task.Completion.IsCompleted)
            {
                // As Oblien: a finished task is one `output` event with the buffered text, then `exit`.
                await WriteFinishedAsync(context, task);
                return;
            }
            await WriteEventsAsync(context, task, task.Subscribe(replay: true));
        });

        app.MapGet("/exec", (HttpContext context, ExecTasks tasks) =>
            Reply.Json(new ExecTaskList { Tasks = tasks.List(GatewayAuthMiddleware.WorkspaceOf(context).Id).Select(t => t.ToWire()).ToList() }));

        app.MapGet("/exec/{id}", (string id, HttpContext context, ExecTasks tasks) =>
            Reply.Json(tasks.Get(GatewayAuthMiddleware.WorkspaceOf(context).Id, id).ToWire()));

        // Raw bytes for the task's stdin (application/octet-stream), at most 1 MiB per call.
        app.MapPost("/exec/{id}/input", async (string id, HttpContext context, ExecTasks tasks) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var close = string.Equals(context.Request.Query["close"], "true", StringComparison.OrdinalIgnoreCase);
            var written = await tasks.InputAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id, id, body.ToArray(), close, context.RequestAborted);
            return Reply.Json(new JsonObject { ["success"] = true, ["bytes_written"] = written });
        });

        app.MapDelete("/exec/{id}", async (string id, HttpContext context, ExecTasks tasks) =>
        {
            await tasks.KillAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id, id);
            return Reply.Json(new JsonObject { ["success"] = true });
        });

        app.MapDelete("/exec", async (HttpContext context, ExecTasks tasks) =>
        {
            var count = await tasks.KillAllAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id);
            return Reply.Json(new JsonObject { ["success"] = true, ["deleted"] = count });
        });
    }

    private static async Task StreamAsync(HttpContext context, ExecTasks tasks, string workspaceId, ExecRequest request)
    {
        // A streamed task keeps stdin open for POST /exec/:id/input (?close=true ends it).
        var (task, events) = await tasks.StartAsync(workspaceId, request.Argv, request.TimeoutSeconds, request.TtlSeconds,
            subscribe: true, keepStdin: true, context.RequestAborted);
        await WriteEventsAsync(context, task, events!);
    }

    /// <summary>SSE: <c>task_id</c>, then <c>stdout</c>/<c>stderr</c> with base64 <c>data</c>, then <c>exit</c>.</summary>
    private static async Task WriteFinishedAsync(HttpContext context, ExecTaskState task)
    {
        var wire = task.ToWire();
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await SendAsync(context.Response, "task_id", new JsonObject { ["task_id"] = task.Id });
        await SendAsync(context.Response, "output", new JsonObject { ["stdout"] = wire.Stdout, ["stderr"] = wire.Stderr });
        await SendAsync(context.Response, "exit", new JsonObject { ["exit_code"] = wire.ExitCode, ["pid"] = wire.GuestPid, ["status"] = wire.Status });
    }

    /// <remarks>A client that falls too far behind a task on the shared connection gets an <c>error</c> event and the end.</remarks>
    private static async Task WriteEventsAsync(HttpContext context, ExecTaskState task, ExecSubscription subscription)
    {
        using var _ = subscription;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await SendAsync(response, "task_id", new JsonObject { ["task_id"] = task.Id });
        try
        {
            await foreach (var e in subscription.Reader.ReadAllAsync(context.RequestAborted))
            {
                var data = e.Kind == "exit"
                    ? new JsonObject { ["exit_code"] = e.ExitCode, ["pid"] = task.GuestPid }
                    : new JsonObject { ["data"] = Convert.ToBase64String(e.Data.Span) };
                await SendAsync(response, e.Kind, data);
            }
        }
        catch (ExecSubscriberLaggedException e)
        {
            await SendAsync(response, "error", new JsonObject { ["error"] = "client_lagged", ["message"] = e.Message });
        }
    }

    private static async Task SendAsync(HttpResponse response, string eventName, JsonObject data)
    {
        await response.WriteAsync($"event: {eventName}\ndata: {data.ToJsonString()}\n\n", Encoding.UTF8);
        await response.Body.FlushAsync();
    }

    private static async Task<ExecRequest> ReadAsync(HttpContext context)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
        var reader = new FieldReader();
        List<string>? cmd = null;
        if (FieldReader.Property(body, "cmd") is { } c)
        {
            if (c.ValueKind == JsonValueKind.Array && c.GetArrayLength() > 0 && c.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String))
                cmd = c.EnumerateArray().Select(a => a.GetString()!).ToList();
            else if (c.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(c.GetString()))
                cmd = [c.GetString()!];
            else
                reader.Add("cmd", "must be a non-empty array of strings");
        }
        else reader.Add("cmd", "is required");
        var mode = reader.OneOf(body, "exec_mode", "exec_mode", "auto", "shell", "direct") ?? "auto";
        var timeout = reader.Integer(body, "timeout_seconds", "timeout_seconds", 0, 86400) ?? 0;
        var ttl = reader.Integer(body, "ttl_seconds", "ttl_seconds", -1, 7 * 86400) ?? 0;
        var stream = reader.Boolean(body, "stream", "stream") ?? false;
        // Output is always kept for ttl_seconds (the last 10 MiB of each stream), so keep_logs
        // changes nothing; it is still checked, so a wrong type is a 400 like any other field.
        _ = reader.Boolean(body, "keep_logs", "keep_logs");
        if (reader.Errors.Count > 0 || cmd is null) throw ApiException.Invalid(reader.Errors);
        return new ExecRequest(Argv(cmd, mode), timeout, ttl == 0 ? DefaultTtlSeconds : ttl, stream);
    }

    /// <summary>
    /// exec_mode: <c>direct</c> runs argv as given; <c>shell</c> joins it for <c>/bin/sh -c</c>;
    /// <c>auto</c> uses the shell for a single string that holds shell syntax.
    /// </summary>
    private static List<string> Argv(List<string> cmd, string mode) => mode switch
    {
        "shell" => ["/bin/sh", "-c", string.Join(' ', cmd)],
        "auto" when cmd.Count == 1 && cmd[0].IndexOfAny(ShellSyntax) >= 0 => ["/bin/sh", "-c", cmd[0]],
        "auto" when cmd.Count == 1 && cmd[0].Contains(' ', StringComparison.Ordinal) => ["/bin/sh", "-c", cmd[0]],
        _ => cmd,
    };

    private static readonly char[] ShellSyntax = ['|', '&', ';', '<', '>', '(', ')', '$', '`', '*', '?', '[', '~', '\n'];

    private sealed record ExecRequest(List<string> Argv, int TimeoutSeconds, int TtlSeconds, bool Stream);
}
