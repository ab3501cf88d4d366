using System.Buffers;
using System.Text.Json;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;
using Hearth.Runtime;
using Hearth.Server.Api;
using Hearth.Server.Validation;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// The runtime API's <c>/files</c> family (oblien-api.md §3.3), each request one agent
/// operation (docs/design/runtime-files.md): the agent resolves and checks every path; the
/// gateway validates the request's form and shapes the answer.
/// </summary>
internal static class FileEndpoints
{
    /// <summary>The largest read <c>GET /files/read</c> answers (413 above): 64 MiB, whole or as a line range.</summary>
    public const long ReadLimit = 64L * 1024 * 1024;

    /// <summary>The largest <c>/files/write</c> body: room for 64 MiB of content, base64-encoded and JSON-wrapped.</summary>
    public const long WriteBodyLimit = 96L * 1024 * 1024;

    /// <summary>Reads and writes up to this size go over the workspace's shared agent connection; larger ones get their own.</summary>
    private const int SharedLimit = 256 * 1024;

    private const long DefaultContentBudget = 50L * 1024 * 1024;
    private const long MaxContentBudget = 100L * 1024 * 1024;

    public static void MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/files", (HttpContext context, AgentPool agents) => ListAsync(context, agents, stream: false));
        app.MapGet("/files/stream", (HttpContext context, AgentPool agents) => ListAsync(context, agents, stream: true));
        app.MapGet("/files/read", ReadAsync);
        app.MapMethods("/files/write", ["POST", "PUT"], WriteAsync).WithMetadata(new BodySizeLimit(WriteBodyLimit));
        app.MapPost("/files/mkdir", MkdirAsync);
        app.MapGet("/files/stat", StatAsync);
        app.MapDelete("/files/delete", DeleteAsync);
        app.MapPost("/files/delete", DeleteAsync);
    }

    private static async Task ListAsync(HttpContext context, AgentPool agents, bool stream)
    {
        var query = new QueryReader(context.Request.Query);
        var path = query.Path(required: false) ?? "/";
        var nested = query.Boolean("nested") ?? false;
        var flatten = query.Boolean("flatten") ?? false;
        var args = new FsListArgs
        {
            Path = path,
            Recursive = stream || nested,
            Sorted = !stream,
            MaxDepth = (int)(query.Integer("max_depth", 1, 1000) ?? 20),
            Light = query.Boolean("light") ?? false,
            IncludeHash = query.Boolean("include_hash") ?? false,
            IncludeContent = query.Boolean("include_content") ?? false,
            ContentBudget = query.Integer("max_content_budget", 0, MaxContentBudget) ?? DefaultContentBudget,
            IncludeExtensions = query.Boolean("include_extensions") ?? false,
            CodeFilesOnly = query.Boolean("code_files_only") ?? false,
            UseGitignore = query.Boolean("use_gitignore") ?? true,
            PathFilter = query.String("path_filter"),
            IncludeExt = query.List("include_ext"),
            IgnorePatterns = query.List("ignore_patterns"),
            FilesOnlyWhenFiltered = stream || flatten,
            Limit = 50_000,
        };
        query.ThrowIfInvalid();

        var workspace = GatewayAuthMiddleware.WorkspaceOf(context).Id;
        await using var call = await DedicatedCall.StartAsync(agents, workspace, "fs.list",
            JsonSerializer.SerializeToElement(args, AgentFilesJsonContext.Default.FsListArgs), context.RequestAborted);
        await call.WaitForFirstAsync(context.RequestAborted);
        var response = context.Response;
        response.ContentType = stream ? "application/x-ndjson" : "application/json";
        var listing = stream ? null : new ListingJsonWriter(response.BodyWriter, tree: nested && !flatten);
        await StreamingResponse.RunAsync(context, async () =>
        {
            await foreach (var item in call.Call.Items.ReadAllAsync(context.RequestAborted))
            {
                if (listing is null) response.BodyWriter.Write(item.Data.Span);
                else listing.Feed(item.Data.Span);
                await response.BodyWriter.FlushAsync(context.RequestAborted);
            }

            await call.Call.Result;
            listing?.Finish();
        });
    }

    private static async Task ReadAsync(HttpContext context, AgentPool agents)
    {
        var query = new QueryReader(context.Request.Query);
        var path = query.Path();
        var start = query.Integer("start_line", 1, long.MaxValue);
        var end = query.Integer("end_line", 1, long.MaxValue);
        if (start is not null && end is not null && end < start) query.Add("end_line", $"must not be before start_line ({start})");
        var numbers = query.Boolean("with_line_numbers") ?? false;
        query.ThrowIfInvalid();

        var workspace = GatewayAuthMiddleware.WorkspaceOf(context).Id;
        FsReadArgs Args(long limit) => new() { Path = path, StartLine = start, EndLine = end, WithLineNumbers = numbers, Limit = limit };

        // Most reads are small: try the shared connection with a small limit, and give a larger
        // file a connection of its own (its pace is the client's) only when the agent says so.
        var shared = await agents.GetAsync(workspace, context.RequestAborted);
        var small = await shared.StartAsync("fs.read", Serialize(Args(SharedLimit)), context.RequestAborted);
        try
        {
            await ReadIntoAsync(context, small);
            return;
        }
        catch (RuntimeException e) when (e.Code == "too_large" && !context.Response.HasStarted)
        {
        }

        await using var call = await DedicatedCall.StartAsync(agents, workspace, "fs.read", Serialize(Args(ReadLimit)), context.RequestAborted);
        await ReadIntoAsync(context, call.Call);
    }

    /// <summary>The read's event (its size and encoding) first, then the content streamed into the document.</summary>
    private static async Task ReadIntoAsync(HttpContext context, Hearth.Runtime.Agent.AgentCall call)
    {
        if (!await call.Items.WaitToReadAsync(context.RequestAborted)) await call.Result;
        if (!call.Items.TryRead(out var first) || first.Event is not { } announced)
            throw new InvalidDataException("fs.read sent data before its event");
        var info = announced.Deserialize(AgentFilesJsonContext.Default.FsReadInfo)!;
        var response = context.Response;
        response.ContentType = "application/json";
        var writer = new ReadResponseWriter(response.BodyWriter, info);
        await StreamingResponse.RunAsync(context, async () =>
        {
            writer.Begin();
            await response.BodyWriter.FlushAsync(context.RequestAborted);
            await foreach (var item in call.Items.ReadAllAsync(context.RequestAborted))
            {
                writer.Content(item.Data.Span);
                await response.BodyWriter.FlushAsync(context.RequestAborted);
            }

            await call.Result;
            writer.End();
        });
    }

    private static async Task<IResult> WriteAsync(HttpContext context, AgentPool agents)
    {
        var body = await FileWriteBody.ReadAsync(context.Request);
        var workspace = GatewayAuthMiddleware.WorkspaceOf(context).Id;
        var args = Serialize(new FsWriteArgs { Path = body.Path, Append = body.Append, CreateDirs = body.CreateDirs, Mode = body.Mode });
        FsWriteResult result;
        if (body.Content.Length <= SharedLimit)
        {
            var connection = await agents.GetAsync(workspace, context.RequestAborted);
            result = await SendAsync(await connection.StartAsync("fs.write", args, context.RequestAborted), body.Content, context.RequestAborted);
        }
        else
        {
            await using var call = await DedicatedCall.StartAsync(agents, workspace, "fs.write", args, context.RequestAborted);
            result = await SendAsync(call.Call, body.Content, context.RequestAborted);
        }

        return Reply.Json(new FileWriteResponse { Path = result.Path, Size = result.Size }, 201);
    }

    /// <summary>Sends the content as input (frames under the LOH threshold, as the agent allocates one per frame) and waits for the result.</summary>
    private static async Task<FsWriteResult> SendAsync(Hearth.Runtime.Agent.AgentCall call, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        try
        {
            for (var offset = 0; offset < content.Length && !call.Result.IsCompleted; offset += TransferEndpoints.InputChunk)
                await call.WriteInputAsync(content.Slice(offset, Math.Min(TransferEndpoints.InputChunk, content.Length - offset)), cancellationToken);
            if (!call.Result.IsCompleted) await call.CompleteInputAsync(cancellationToken);
        }
        catch (RuntimeException) when (call.Result.IsCompleted)
        {
            // The operation ended early; its own error follows.
        }

        return (await call.ResultAsync(cancellationToken)).Deserialize(AgentFilesJsonContext.Default.FsWriteResult)!;
    }

    private static async Task<IResult> MkdirAsync(HttpContext context, AgentPool agents)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
        var fields = new FieldReader();
        var path = PathField(fields, body);
        var mode = FileWriteBody.ParseMode(fields, fields.String(body, "mode", "mode", 16), "mode");
        if (fields.Errors.Count > 0) throw ApiException.Invalid(fields.Errors);
        var result = await agents.CallAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id, "fs.mkdir",
            JsonSerializer.SerializeToElement(new FsMkdirArgs { Path = path, Mode = mode }, AgentFilesJsonContext.Default.FsMkdirArgs),
            context.RequestAborted);
        return Reply.Json(result.Deserialize(AgentFilesJsonContext.Default.FilePathResponse)!, 201);
    }

    private static async Task<IResult> StatAsync(HttpContext context, AgentPool agents)
    {
        var query = new QueryReader(context.Request.Query);
        var path = query.Path();
        query.ThrowIfInvalid();
        var result = await agents.CallAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id, "fs.stat", PathArgs(path!), context.RequestAborted);
        return Reply.Json(result.Deserialize(AgentFilesJsonContext.Default.FileStatResponse)!);
    }

    /// <summary><c>DELETE /files/delete?path=</c> or <c>POST /files/delete {path}</c> (either form on either method).</summary>
    private static async Task<IResult> DeleteAsync(HttpContext context, AgentPool agents)
    {
        var query = new QueryReader(context.Request.Query);
        var path = query.Path(required: false);
        if (path is null)
        {
            var body = await JsonBody.ReadObjectAsync(context.Request);
            var fields = new FieldReader();
            path = PathField(fields, body);
            if (fields.Errors.Count > 0) throw ApiException.Invalid(fields.Errors);
        }

        query.ThrowIfInvalid();
        var result = await agents.CallAsync(GatewayAuthMiddleware.WorkspaceOf(context).Id, "fs.delete", PathArgs(path!), context.RequestAborted);
        return Reply.Json(result.Deserialize(AgentFilesJsonContext.Default.FilePathResponse)!);
    }

    private static string? PathField(FieldReader fields, JsonElement body)
    {
        var path = fields.String(body, "path", "path", FilePaths.MaxLength);
        if (path is null)
        {
            if (!fields.Errors.Any(e => e.Field == "path")) fields.Add("path", "is required");
            return null;
        }

        return FilePaths.Check(fields, "path", path);
    }

    private static JsonElement PathArgs(string path) =>
        JsonSerializer.SerializeToElement(new FsPathArgs { Path = path }, AgentFilesJsonContext.Default.FsPathArgs);

    private static JsonElement Serialize(FsReadArgs args) => JsonSerializer.SerializeToElement(args, AgentFilesJsonContext.Default.FsReadArgs);

    private static JsonElement Serialize(FsWriteArgs args) => JsonSerializer.SerializeToElement(args, AgentFilesJsonContext.Default.FsWriteArgs);
}
