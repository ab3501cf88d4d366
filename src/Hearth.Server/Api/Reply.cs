using Hearth.Protocol.Json;

namespace Hearth.Server.Api;

/// <summary>JSON responses through the source-generated context (trim-safe, snake_case).</summary>
internal static class Reply
{
    public static IResult Json<T>(T value, int status = 200) =>
        Results.Json(value, HearthJson.Options, contentType: "application/json", statusCode: status);
}
