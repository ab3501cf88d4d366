namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// Runs the part of a request that streams an operation's output into the response. Until the
/// first flush a failure is still an ordinary error answer; after it the status line is out,
/// and the only honest signal left is to cut the connection, so that a client never takes a
/// truncated listing, file or archive for a whole one.
/// </summary>
internal static partial class StreamingResponse
{
    public static async Task RunAsync(HttpContext context, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception e) when (context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StreamingResponse));
            LogCut(logger, e, context.Request.Method, context.Request.Path);
            context.Abort();
        }
    }

    [LoggerMessage(EventId = 7300, Level = LogLevel.Warning, Message = "{Method} {Path}: the operation failed after the response started; the connection was cut")]
    private static partial void LogCut(ILogger logger, Exception exception, string method, string path);
}
