using Hearth.Protocol.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Hearth.Server.Api;

/// <summary>
/// Request bodies are limited to 1 MiB (413 <c>payload_too_large</c>). A body whose declared
/// length is over the limit is read and thrown away before the answer: a server that answers
/// and closes while the client is still sending makes the client see a broken pipe instead of
/// the 413. Kestrel's own, larger limit (<see cref="KestrelLimit"/>) caps what is drained.
/// </summary>
internal sealed class BodyLimitMiddleware(RequestDelegate next)
{
    public const long Limit = 1024 * 1024;
    public const long KestrelLimit = 64 * 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > Limit)
        {
            if (context.Request.ContentLength <= KestrelLimit)
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            await ErrorEnvelopeMiddleware.WriteAsync(context, 413, ErrorCodes.PayloadTooLarge, "request body is larger than 1 MiB");
            return;
        }
        // A chunked body has no declared length: Kestrel stops it at the limit while it is read.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = Limit;
        await next(context);
    }
}
