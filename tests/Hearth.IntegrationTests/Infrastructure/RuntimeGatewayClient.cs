using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>
/// Calls to a real hearthd's runtime gateway as one workspace's token holder: what the
/// runtime API's tests share (exec, files, search, terminals, watchers).
/// </summary>
public sealed class RuntimeGatewayClient : IDisposable
{
    private readonly HttpClient http;

    private RuntimeGatewayClient(HearthdInstance hearthd, string workspaceId, string token)
    {
        WorkspaceId = workspaceId;
        Token = token;
        http = new HttpClient { BaseAddress = new Uri(hearthd.RuntimeUrl), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public string WorkspaceId { get; }

    /// <summary>The gateway token (also for WebSocket URLs: <c>?token=</c>).</summary>
    public string Token { get; }

    /// <summary>Authenticated with <see cref="Token"/>; for requests the helpers below do not cover.</summary>
    public HttpClient Http => http;

    /// <summary>Creates a workspace (busybox unless <paramref name="createJson"/> says otherwise), enables its runtime API and returns a client for it.</summary>
    public static async Task<RuntimeGatewayClient> ForNewWorkspaceAsync(HearthdInstance hearthd, string createJson = """{"image":"busybox"}""")
    {
        var id = await hearthd.CreateWorkspaceAsync(createJson).Within(Bounded.Create);
        var enabled = (await hearthd.PostAsync($"/workspace/{id}/runtime-api-access/enable").Within()).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        return new RuntimeGatewayClient(hearthd, id, enabled.GetProperty("token").GetString()!);
    }

    public Task<ApiResponse> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery, null);

    public Task<ApiResponse> PostAsync(string path, string? json = null) => SendAsync(HttpMethod.Post, path, json);

    public Task<ApiResponse> DeleteAsync(string pathAndQuery) => SendAsync(HttpMethod.Delete, pathAndQuery, null);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string pathAndQuery, string? json)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.SendAsync(request).Within();
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync().Within());
    }

    /// <summary>Runs a command synchronously through <c>POST /exec</c>; returns its stdout, failing the test on a non-zero exit.</summary>
    public async Task<string> ShAsync(string script)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(new { cmd = new[] { "sh", "-c", script } });
        var result = (await PostAsync("/exec", body)).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.True(result.GetProperty("exit_code").GetInt32() == 0,
            $"`{script}` exited {result.GetProperty("exit_code")}: {result.GetProperty("stderr").GetString()}");
        return result.GetProperty("stdout").GetString()!;
    }

    public void Dispose() => http.Dispose();
}
