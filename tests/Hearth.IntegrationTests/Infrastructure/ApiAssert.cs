using System.Net;
using System.Text.Json;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>Checks of the Oblien envelope: status, machine code, message and each failing field.</summary>
internal static class ApiAssert
{
    /// <summary>An error envelope with <paramref name="status"/> and <paramref name="code"/> and a message.</summary>
    public static void Error(ApiResponse response, HttpStatusCode status, string code)
    {
        Assert.True(response.Status == status, $"expected HTTP {(int)status} {code}, got {(int)response.Status}: {response.Body}");
        var json = response.Json;
        Assert.True(json.TryGetProperty("success", out var success) && success.ValueKind == JsonValueKind.False, $"no success:false in {response.Body}");
        Assert.Equal(code, json.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(Message(response)), $"empty message in {response.Body}");
    }

    public static string Message(ApiResponse response) => response.Json.GetProperty("message").GetString() ?? "";

    /// <summary>The <c>errors[].field</c> names of an envelope (empty when it lists none).</summary>
    public static IReadOnlyList<string> Fields(ApiResponse response) =>
        response.Json.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? errors.EnumerateArray().Select(e => e.GetProperty("field").GetString()!).ToList()
            : [];

    /// <summary>The message and the field list both name <paramref name="field"/>.</summary>
    public static void NamesField(ApiResponse response, string field)
    {
        Assert.True(Message(response).Contains(field, StringComparison.Ordinal), $"message does not name {field}: {response.Body}");
        Assert.True(Fields(response).Contains(field), $"errors[].field does not list {field}: {response.Body}");
    }

    public static void Status(ApiResponse response, HttpStatusCode status) =>
        Assert.True(response.Status == status, $"expected HTTP {(int)status}, got {(int)response.Status}: {response.Body}");

    /// <summary>The workspace's <c>status</c> in a <c>{ workspace }</c> answer.</summary>
    public static string WorkspaceStatus(ApiResponse response) => response.Workspace.GetProperty("status").GetString()!;
}
