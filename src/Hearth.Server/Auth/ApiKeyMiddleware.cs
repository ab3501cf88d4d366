using Hearth.Protocol.Errors;
using Hearth.Server.Api;

namespace Hearth.Server.Auth;

/// <summary>Every request but <c>GET /health</c> must carry a valid API key; otherwise 401 in the envelope.</summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator)
{
    private const string KeyItem = "hearth.api_key";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals("/health", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }
        var key = authenticator.Authenticate(context.Request.Headers["X-Client-ID"], context.Request.Headers["X-Client-Secret"]);
        if (key is null)
        {
            var missing = string.IsNullOrEmpty(context.Request.Headers["X-Client-ID"]) || string.IsNullOrEmpty(context.Request.Headers["X-Client-Secret"]);
            await ErrorEnvelopeMiddleware.WriteAsync(context, 401, ErrorCodes.Unauthorized,
                missing ? "missing credentials: send X-Client-ID and X-Client-Secret" : "invalid client id or secret");
            return;
        }
        context.Items[KeyItem] = key;
        await next(context);
    }

    /// <summary>The key that authenticated this request.</summary>
    public static ApiKey KeyOf(HttpContext context) => (ApiKey)context.Items[KeyItem]!;
}
