using System.Text.Json;
using Hearth.Protocol.Agent;
using Hearth.Protocol.Runtime;
using Hearth.Runtime;
using Hearth.Server.Api;
using Hearth.Server.Validation;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// <c>POST /files/transfer/download</c> and <c>/upload</c>: tar.gz archives built and extracted
/// by the agent and streamed through the gateway on a connection of their own, never held
/// here whole: a download is copied frame by frame into the response, an upload's body frame
/// by frame into the operation's input, with the agent's back-pressure reaching the client.
/// </summary>
internal static class TransferEndpoints
{
    /// <summary>
    /// Input is sent in pieces below the large object heap threshold: the agent allocates an
    /// array per frame, and PID 1 should collect them as cheap gen0 garbage.
    /// </summary>
    public const int InputChunk = 64 * 1024;

    private const int MaxPaths = 1000;

    public static void MapTransferEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/files/transfer/download", DownloadAsync);
        app.MapPost("/files/transfer/upload", UploadAsync).WithMetadata(new BodySizeLimit(null));
    }

    private static async Task DownloadAsync(HttpContext context, AgentPool agents)
    {
        var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
        var fields = new FieldReader();
        var paths = Strings(fields, body, "paths", required: true);
        var exclude = Strings(fields, body, "exclude_patterns", required: false);
        if (fields.Errors.Count > 0) throw ApiException.Invalid(fields.Errors);

        var args = new FsArchiveArgs { Paths = paths, ExcludePatterns = exclude };
        await using var call = await DedicatedCall.StartAsync(agents, GatewayAuthMiddleware.WorkspaceOf(context).Id, "fs.archive",
            JsonSerializer.SerializeToElement(args, AgentFilesJsonContext.Default.FsArchiveArgs), context.RequestAborted);
        // The agent resolves every path before it starts: a missing one is still a 404 here.
        await call.WaitForFirstAsync(context.RequestAborted);
        var response = context.Response;
        response.ContentType = "application/gzip";
        response.Headers.ContentDisposition = "attachment; filename=\"workspace.tar.gz\"";
        await StreamingResponse.RunAsync(context, async () =>
        {
            await response.StartAsync(context.RequestAborted);
            await foreach (var item in call.Call.Items.ReadAllAsync(context.RequestAborted))
            {
                if (item.Data.IsEmpty) continue;
                await response.BodyWriter.WriteAsync(item.Data, context.RequestAborted);
            }

            await call.Call.Result;
        });
    }

    private static async Task<IResult> UploadAsync(HttpContext context, AgentPool agents)
    {
        var query = new QueryReader(context.Request.Query);
        var dest = query.Path("dest", required: false) ?? "/";
        query.ThrowIfInvalid();

        await using var call = await DedicatedCall.StartAsync(agents, GatewayAuthMiddleware.WorkspaceOf(context).Id, "fs.extract",
            JsonSerializer.SerializeToElement(new FsExtractArgs { Dest = dest }, AgentFilesJsonContext.Default.FsExtractArgs),
            context.RequestAborted);
        var operation = call.Call;
        var buffer = new byte[InputChunk];
        var finished = false;
        try
        {
            while (!operation.Result.IsCompleted)
            {
                var n = await context.Request.Body.ReadAsync(buffer, context.RequestAborted);
                if (n == 0)
                {
                    finished = true;
                    await operation.CompleteInputAsync(context.RequestAborted);
                    break;
                }

                await operation.WriteInputAsync(buffer.AsMemory(0, n), context.RequestAborted);
            }
        }
        catch (RuntimeException) when (operation.Result.IsCompleted)
        {
            // The agent ended the operation (a bad entry, say); its own error follows.
        }

        // The agent stopped early: read the rest of the body, so the client gets the answer
        // instead of a reset while it is still sending.
        if (!finished) await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        var result = (await operation.ResultAsync(context.RequestAborted)).Deserialize(AgentFilesJsonContext.Default.FsExtractResult)!;
        return Reply.Json(new TransferUploadResponse { Dest = result.Dest, FilesExtracted = result.FilesExtracted });
    }

    private static List<string>? Strings(FieldReader fields, JsonElement body, string name, bool required)
    {
        if (FieldReader.Property(body, name) is not { } value)
        {
            if (required) fields.Add(name, "is required");
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
        {
            fields.Add(name, "must be an array of strings");
            return null;
        }

        var list = value.EnumerateArray().Select(v => v.GetString()!).ToList();
        if (required && list.Count == 0) fields.Add(name, "must name at least one path");
        if (list.Count > MaxPaths) fields.Add(name, $"may hold at most {MaxPaths} items");
        for (var i = 0; i < list.Count && name == "paths"; i++)
            FilePaths.Check(fields, $"{name}[{i}]", list[i]);
        return list;
    }
}
