using System.Text.Json;
using Hearth.Protocol.Errors;
using Hearth.Protocol.Json;
using Hearth.Runtime;

namespace Hearth.Server.Api;

/// <summary>
/// Turns every failure into the Oblien envelope <c>{ success: false, error, message }</c>:
/// expected ones with their status, Kestrel's own (body too large) with theirs, and anything
/// unexpected as a logged 500 that names no internals.
/// </summary>
internal sealed partial class ErrorEnvelopeMiddleware(RequestDelegate next, ILogger<ErrorEnvelopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (context.Response is { HasStarted: false, StatusCode: 404 or 405 } && context.Response.ContentLength is null)
            {
                var notFound = context.Response.StatusCode == 404;
                await WriteAsync(context, context.Response.StatusCode, notFound ? ErrorCodes.NotFound : "method_not_allowed",
                    notFound ? $"no route for {context.Request.Method} {context.Request.Path}" : $"{context.Request.Method} is not allowed on {context.Request.Path}");
            }
        }
        catch (ApiException e)
        {
            await WriteAsync(context, e.Status, e.Code, e.Message, e.Errors, e.Available);
        }
        catch (BadHttpRequestException e)
        {
            var code = e.StatusCode == 413 ? ErrorCodes.PayloadTooLarge : "bad_request";
            var message = e.StatusCode == 413 ? "request body is larger than this endpoint accepts (1 MiB for JSON)" : e.Message;
            await WriteAsync(context, e.StatusCode, code, message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (RuntimeException e) when (e.Code == "agent_unreachable")
        {
            // The workspace runs but its agent does not answer: a workspace started by an older
            // hearthd (no agent socket) or an agent that died. Restarting the workspace helps.
            await WriteAsync(context, 503, e.Code, $"{e.Message}; restarting the workspace starts a fresh agent");
        }
        catch (RuntimeException e) when (AgentErrors.IsOutdated(e))
        {
            await WriteAsync(context, 409, "agent_outdated", $"the workspace's agent is older than this hearthd ({e.Message}); restart the workspace to update its agent");
        }
        catch (RuntimeException e) when (AgentErrors.Status(e.Code) is { } status)
        {
            // An operation in the workspace failed for a reason of the request's own (a missing
            // file, a protected path): the agent's code goes out as it is.
            await WriteAsync(context, status, e.Code, e.Message);
        }
        catch (RuntimeException e)
        {
            LogHostFailure(e, context.Request.Method, context.Request.Path);
            await WriteAsync(context, 500, e.Code, e.Message);
        }
        catch (Exception e)
        {
            LogUnexpected(e, context.Request.Method, context.Request.Path);
            await WriteAsync(context, 500, ErrorCodes.Internal, "internal error; see hearthd's log");
        }
    }

    public static async Task WriteAsync(HttpContext context, int status, string code, string message,
        IReadOnlyList<FieldError>? errors = null, IReadOnlyList<string>? available = null)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var envelope = new ErrorEnvelope { Error = code, Message = message, Errors = errors, Available = available };
        await JsonSerializer.SerializeAsync(context.Response.Body, envelope, HearthJsonContext.Default.ErrorEnvelope);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "{Method} {Path}: host operation failed")]
    private partial void LogHostFailure(Exception exception, string method, string path);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "{Method} {Path}: unexpected failure")]
    private partial void LogUnexpected(Exception exception, string method, string path);
}
