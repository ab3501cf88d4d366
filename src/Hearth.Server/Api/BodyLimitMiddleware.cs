using Hearth.Protocol.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Hearth.Server.Api;

/// <summary>
/// Request bodies are limited to 1 MiB (413 <c>payload_too_large</c>). A body whose declared
/// length is over the limit is read and thrown away before the answer: a server that answers
/// and closes while the client is still sending makes the client see a broken pipe instead of
/// the 413. Kestrel's own, larger limit (<see cref="KestrelLimit"/>) caps what is drained.
/// An endpoint with <see cref="IRequestSizeLimitMetadata"/> has its own limit instead (a file
/// write), or none (an upload streamed through).
/// </summary>
internal sealed class BodyLimitMiddleware(RequestDelegate next)
{
    public const long Limit = 1024 * 1024;
    public const long KestrelLimit = 64 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } endpoint
            ? endpoint.MaxRequestBodySize
            : Limit;
        if (context.Request.ContentLength > limit)
        {
            if (context.Request.ContentLength <= KestrelLimit)
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            await ErrorEnvelopeMiddleware.WriteAsync(context, 413, ErrorCodes.PayloadTooLarge, $"request body is larger than {limit / (1024 * 1024)} MiB");
            return;
        }
        // A chunked body has no declared length: Kestrel stops it at the limit while it is read.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit;
        await next(context);
    }
}
