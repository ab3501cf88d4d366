using System.Text.Json;
using Hearth.Protocol.Errors;
using Hearth.Protocol.Json;
using Hearth.Server.Api;

namespace Hearth.Server.Workloads;

/// <summary>An SSE stream that fails after it started cannot change its status: it ends with <c>event: error</c> and the error envelope as data.</summary>
internal static class StreamErrors
{
    public static async Task SendAsync(SseWriter sse, string code, string message)
    {
        var json = JsonSerializer.Serialize(new ErrorEnvelope { Error = code, Message = message }, HearthJsonContext.Default.ErrorEnvelope);
        try
        {
            await sse.WriteAsync(json, name: "error");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Its client has gone too.
        }
    }
}
