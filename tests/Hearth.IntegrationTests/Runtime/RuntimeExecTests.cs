using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>Runtime API access and exec through the runtime gateway, to a real agent in a real workspace.</summary>
public sealed class RuntimeExecTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Enable_gives_a_token_that_runs_commands_and_separates_stdout_stderr_and_exit_code()
    {
        var (_, token) = await EnabledWorkspaceAsync();

        var result = await ExecAsync(token, """{"cmd":["sh","-c","echo out; echo err >&2; exit 3"]}""");

        result.EnsureStatus(HttpStatusCode.OK);
        Assert.Equal(3, result.Json.GetProperty("exit_code").GetInt32());
        Assert.Equal("out\n", result.Json.GetProperty("stdout").GetString());
        Assert.Equal("err\n", result.Json.GetProperty("stderr").GetString());
        Assert.Equal("exited", result.Json.GetProperty("status").GetString());
        Assert.StartsWith("task_", result.Json.GetProperty("id").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_runs_inside_the_workspace_as_its_root()
    {
        var (id, token) = await EnabledWorkspaceAsync();

        var result = (await ExecAsync(token, """{"cmd":["sh","-c","id -u; hostname; cat /proc/1/cmdline | tr '\\0' ' '"]}""")).Json;

        var lines = result.GetProperty("stdout").GetString()!.Split('\n');
        Assert.Equal("0", lines[0]);
        Assert.Equal((await Hearthd.GetAsync("/workspace/" + id)).Workspace.GetProperty("slug").GetString(), lines[1]);
        Assert.Contains("hearth-agent init", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_timeout_kills_the_task_and_says_so()
    {
        var (_, token) = await EnabledWorkspaceAsync();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = (await ExecAsync(token, """{"cmd":["sleep","30"],"timeout_seconds":1}""")).Json;

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(result.GetProperty("timed_out").GetBoolean());
        Assert.Equal(137, result.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task A_missing_program_is_a_400_not_a_500()
    {
        var (_, token) = await EnabledWorkspaceAsync();

        var result = await ExecAsync(token, """{"cmd":["/no/such/program"]}""");

        ApiAssert.Error(result, HttpStatusCode.BadRequest, "spawn_failed");
    }

    [Fact]
    public async Task Stream_sends_task_id_output_as_base64_and_exit()
    {
        var (_, token) = await EnabledWorkspaceAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, Hearthd.RuntimeUrl + "/exec/stream")
        {
            Content = new StringContent("""{"cmd":["sh","-c","printf 'a\\0b'; echo e >&2"]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var client = new HttpClient();
        using var response = await client.SendAsync(request).Within();
        var body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => (Name: e.Split('\n')[0]["event: ".Length..], Data: System.Text.Json.JsonDocument.Parse(e.Split('\n')[1]["data: ".Length..]).RootElement))
            .ToList();
        Assert.Equal("task_id", events[0].Name);
        var stdout = events.Where(e => e.Name == "stdout").SelectMany(e => Convert.FromBase64String(e.Data.GetProperty("data").GetString()!)).ToArray();
        Assert.Equal(new byte[] { (byte)'a', 0, (byte)'b' }, stdout);
        Assert.Equal("exit", events[^1].Name);
        Assert.Equal(0, events[^1].Data.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task A_streamed_task_takes_stdin_until_closed_and_delete_kills_a_running_one()
    {
        var (_, token) = await EnabledWorkspaceAsync();
        using var client = new HttpClient { BaseAddress = new Uri(Hearthd.RuntimeUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // cat echoes stdin: start it streamed, read the task id from the first event, feed it, close it.
        using var start = new HttpRequestMessage(HttpMethod.Post, "/exec/stream") { Content = new StringContent("""{"cmd":["cat"]}""", Encoding.UTF8, "application/json") };
        using var stream = await client.SendAsync(start, HttpCompletionOption.ResponseHeadersRead).Within();
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync().Within());
        Assert.Equal("event: task_id", await reader.ReadLineAsync().Within());
        var taskId = System.Text.Json.JsonDocument.Parse((await reader.ReadLineAsync().Within())!["data: ".Length..]).RootElement.GetProperty("task_id").GetString()!;
        var input = await client.PostAsync($"/exec/{taskId}/input?close=true", new ByteArrayContent("fed\n"u8.ToArray())).Within();
        Assert.Equal(HttpStatusCode.OK, input.StatusCode);
        var rest = await reader.ReadToEndAsync().Within();
        Assert.Contains(Convert.ToBase64String("fed\n"u8.ToArray()), rest, StringComparison.Ordinal);
        Assert.Contains("event: exit", rest, StringComparison.Ordinal);
        var task = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync($"/exec/{taskId}").Within()).RootElement;
        Assert.Equal("fed\n", task.GetProperty("stdout").GetString());

        // A long task started streamed is killed by DELETE and forgotten.
        using var sleeper = new HttpRequestMessage(HttpMethod.Post, "/exec/stream") { Content = new StringContent("""{"cmd":["sleep","300"]}""", Encoding.UTF8, "application/json") };
        using var sleeping = await client.SendAsync(sleeper, HttpCompletionOption.ResponseHeadersRead).Within();
        using var sleepReader = new StreamReader(await sleeping.Content.ReadAsStreamAsync().Within());
        await sleepReader.ReadLineAsync().Within();
        var sleepId = System.Text.Json.JsonDocument.Parse((await sleepReader.ReadLineAsync().Within())!["data: ".Length..]).RootElement.GetProperty("task_id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/exec/{sleepId}").Within()).StatusCode);
        var after = await sleepReader.ReadToEndAsync().Within(TimeSpan.FromSeconds(10));
        Assert.Contains("\"exit_code\":137", after, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/exec/{sleepId}").Within()).StatusCode);
    }

    [Fact]
    public async Task Tokens_are_checked_rotation_voids_old_ones_and_disable_closes_the_door()
    {
        var (id, token) = await EnabledWorkspaceAsync();

        ApiAssert.Error(await ExecAsync(null, """{"cmd":["true"]}"""), HttpStatusCode.Unauthorized, "authentication_error");
        ApiAssert.Error(await ExecAsync(token[..^2] + "xx", """{"cmd":["true"]}"""), HttpStatusCode.Unauthorized, "authentication_error");
        var raw = (await Hearthd.GetAsync($"/workspace/{id}/runtime-api-access/token/raw")).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("token").GetString()!;
        (await ExecAsync(raw, """{"cmd":["true"]}""")).EnsureStatus(HttpStatusCode.OK);

        var rotated = (await Hearthd.PostAsync($"/workspace/{id}/runtime-api-access/token")).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("token").GetString()!;
        ApiAssert.Error(await ExecAsync(token, """{"cmd":["true"]}"""), HttpStatusCode.Unauthorized, "authentication_error");
        ApiAssert.Error(await ExecAsync(raw, """{"cmd":["true"]}"""), HttpStatusCode.Unauthorized, "authentication_error");
        (await ExecAsync(rotated, """{"cmd":["true"]}""")).EnsureStatus(HttpStatusCode.OK);

        (await Hearthd.PostAsync($"/workspace/{id}/internal-api-access/disable")).EnsureStatus(HttpStatusCode.OK);
        ApiAssert.Error(await ExecAsync(rotated, """{"cmd":["true"]}"""), HttpStatusCode.Forbidden, "forbidden");
        var status = (await Hearthd.GetAsync($"/workspace/{id}/runtime-api-access")).Json;
        Assert.False(status.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task The_official_sdk_runs_exec_through_the_preload()
    {
        await OfficialSdk.RunAsync(Hearthd, "runtime-exec.mjs", "compat: all runtime exec calls passed");
    }

    private async Task<(string Id, string Token)> EnabledWorkspaceAsync()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var enabled = (await Hearthd.PostAsync($"/workspace/{id}/runtime-api-access/enable").Within()).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        return (id, enabled.GetProperty("token").GetString()!);
    }

    private async Task<ApiResponse> ExecAsync(string? token, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Hearthd.RuntimeUrl + "/exec")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var client = new HttpClient();
        using var response = await client.SendAsync(request).Within();
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync().Within());
    }
}
