using Microsoft.AspNetCore.Http.Metadata;

namespace Hearth.Server.RuntimeApi.Files;

/// <summary>
/// Endpoint metadata that replaces the gateway's 1 MiB body limit (<c>Api/BodyLimitMiddleware</c>)
/// for one route: a larger number, or null for none (an upload, streamed through as it arrives).
/// </summary>
internal sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
