using System.Net;
using System.Text.Json;

namespace Hearth.Testing;

/// <summary>A status and a body, with the body parsed on demand.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public ApiResponse EnsureStatus(HttpStatusCode expected)
    {
        if (Status != expected)
            throw new Xunit.Sdk.XunitException($"expected HTTP {(int)expected}, got {(int)Status}: {Body}");
        return this;
    }

    public JsonElement Workspace => Json.GetProperty("workspace");
}
