using System.Text.Json;
using Hearth.Protocol.Errors;

namespace Hearth.Server.Api;

/// <summary>Reads request bodies as JSON objects, with 400 for anything that is not one.</summary>
internal static class JsonBody
{
    /// <summary>The body as a JSON object; an empty body is <c>{}</c> unless <paramref name="required"/>.</summary>
    public static async Task<JsonElement> ReadObjectAsync(HttpRequest request, bool required = false)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
        {
            if (required) throw new ApiException(400, ErrorCodes.InvalidJson, "a JSON object body is required");
            return JsonDocument.Parse("{}").RootElement.Clone();
        }
        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ApiException(400, ErrorCodes.InvalidJson, "the body must be a JSON object");
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ApiException(400, ErrorCodes.InvalidJson, $"malformed JSON: {e.Message}");
        }
    }
}
