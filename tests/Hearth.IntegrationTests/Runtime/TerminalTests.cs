using System.Net;
using System.Text;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>The <c>/terminals</c> endpoints against a real hearthd and agent: limits, deletion, scrollback, bad input.</summary>
public sealed class TerminalTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task The_eleventh_running_terminal_is_429_until_one_is_deleted()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++) ids.Add(await CreateAsync(gateway));

        var eleventh = await gateway.PostAsync("/terminals", "{}");

        ApiAssert.Error(eleventh, HttpStatusCode.TooManyRequests, "too_many_terminals");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ids);
        Assert.Equal(10, (await gateway.GetAsync("/terminals")).Json.GetProperty("terminals").GetArrayLength());
        (await gateway.DeleteAsync("/terminals/4")).EnsureStatus(HttpStatusCode.OK);
        // Ids go on increasing: a client that still thinks of terminal 4 cannot type into a new one.
        Assert.Equal("11", await CreateAsync(gateway));
    }

    [Fact]
    public async Task Delete_hangs_up_the_shell_and_forgets_the_terminal()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var id = await CreateAsync(gateway, """{"cmd":["sh","-c","echo $$ > /tmp/shell.pid; exec sh -i"]}""");
        var pid = await ReadPidAsync(gateway, "/tmp/shell.pid");

        var deleted = (await gateway.DeleteAsync($"/terminals/{id}")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.True(deleted.GetProperty("success").GetBoolean());
        Assert.Equal(id, deleted.GetProperty("terminal_id").GetString());
        await WaitUntilGoneAsync(gateway, pid);
        Assert.Equal(0, (await gateway.GetAsync("/terminals")).Json.GetProperty("terminals").GetArrayLength());
        ApiAssert.Error(await gateway.GetAsync($"/terminals/{id}/scrollback"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Delete_kills_a_shell_that_ignores_the_hangup()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var id = await CreateAsync(gateway, """{"cmd":["sh","-c","trap '' HUP; echo $$ > /tmp/stubborn.pid; while true; do sleep 1; done"]}""");
        var pid = await ReadPidAsync(gateway, "/tmp/stubborn.pid");

        (await gateway.DeleteAsync($"/terminals/{id}")).EnsureStatus(HttpStatusCode.OK);

        await WaitUntilGoneAsync(gateway, pid);
    }

    [Fact]
    public async Task Scrollback_is_a_ring_that_can_be_read_resized_and_cleared()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var id = await CreateAsync(gateway, """{"cmd":["sh","-c","seq 1 3000; echo DONE; exec sleep 1000"],"scrollback_size":4096}""");
        await WaitUntilAsync(async () => (await ScrollbackAsync(gateway, id)).EndsWith("DONE\r\n", StringComparison.Ordinal));

        var full = (await gateway.GetAsync($"/terminals/{id}/scrollback")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal(4096, full.GetProperty("size").GetInt32());
        Assert.Equal(4096, full.GetProperty("scrollback_size").GetInt32());
        Assert.Equal(262144, full.GetProperty("max_scrollback_size").GetInt32());
        Assert.True(full.GetProperty("alive").GetBoolean());
        Assert.Equal("3000\r\nDONE\r\n", await ScrollbackAsync(gateway, id, "?bytes=12"));

        var resized = (await gateway.SendAsync(HttpMethod.Patch, $"/terminals/{id}/scrollback", """{"scrollback_size":100}""")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal(100, resized.GetProperty("scrollback_size").GetInt32());
        Assert.Equal(100, (await ScrollbackAsync(gateway, id)).Length);
        Assert.Equal(100, (await gateway.GetAsync("/terminals")).Json.GetProperty("terminals")[0].GetProperty("scrollback_size").GetInt32());

        (await gateway.DeleteAsync($"/terminals/{id}/scrollback")).EnsureStatus(HttpStatusCode.OK);
        var cleared = (await gateway.GetAsync($"/terminals/{id}/scrollback")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal(0, cleared.GetProperty("size").GetInt32());
        Assert.True(cleared.GetProperty("alive").GetBoolean());
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_and_starts_nothing()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        (string Body, string Field)[] cases =
        [
            ("""{"cols":0}""", "cols"),
            ("""{"rows":5000}""", "rows"),
            ("""{"cols":"wide"}""", "cols"),
            ("""{"cmd":"bash"}""", "cmd"),
            ("""{"cmd":[]}""", "cmd"),
            ("""{"command":[1,2]}""", "command"),
            ("""{"scrollback_size":262145}""", "scrollback_size"),
        ];

        foreach (var (body, field) in cases)
        {
            var response = await gateway.PostAsync("/terminals", body);

            ApiAssert.Error(response, HttpStatusCode.BadRequest, "validation_error");
            ApiAssert.NamesField(response, field);
        }

        Assert.Equal(0, (await gateway.GetAsync("/terminals")).Json.GetProperty("terminals").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_ids_are_404_and_bad_scrollback_requests_are_400()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var id = await CreateAsync(gateway);

        ApiAssert.Error(await gateway.DeleteAsync("/terminals/42"), HttpStatusCode.NotFound, "not_found");
        ApiAssert.Error(await gateway.GetAsync("/terminals/nope/scrollback"), HttpStatusCode.NotFound, "not_found");
        ApiAssert.Error(await gateway.SendAsync(HttpMethod.Patch, "/terminals/42/scrollback", """{"scrollback_size":10}"""), HttpStatusCode.NotFound, "not_found");
        ApiAssert.Error(await gateway.DeleteAsync("/terminals/42/scrollback"), HttpStatusCode.NotFound, "not_found");
        var badBytes = await gateway.GetAsync($"/terminals/{id}/scrollback?bytes=abc");
        ApiAssert.Error(badBytes, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(badBytes, "bytes");
        var noSize = await gateway.SendAsync(HttpMethod.Patch, $"/terminals/{id}/scrollback", "{}");
        ApiAssert.Error(noSize, HttpStatusCode.BadRequest, "validation_error");
        ApiAssert.NamesField(noSize, "scrollback_size");
        var missing = await gateway.PostAsync("/terminals", """{"cmd":["/no/such/shell"]}""");
        ApiAssert.Error(missing, HttpStatusCode.BadRequest, "spawn_failed");
        Assert.Contains("/no/such/shell", ApiAssert.Message(missing), StringComparison.Ordinal);
    }

    private static async Task<string> CreateAsync(RuntimeGatewayClient gateway, string json = "{}") =>
        (await gateway.PostAsync("/terminals", json)).EnsureStatus(HttpStatusCode.Created).Json.GetProperty("id").GetString()!;

    private static async Task<string> ScrollbackAsync(RuntimeGatewayClient gateway, string id, string query = "")
    {
        var json = (await gateway.GetAsync($"/terminals/{id}/scrollback{query}")).EnsureStatus(HttpStatusCode.OK).Json;
        return Encoding.UTF8.GetString(json.GetProperty("scrollback").GetBytesFromBase64());
    }

    private static async Task<int> ReadPidAsync(RuntimeGatewayClient gateway, string path)
    {
        var pid = 0;
        await WaitUntilAsync(async () => int.TryParse((await gateway.ShAsync($"cat {path} 2>/dev/null || true")).Trim(), out pid));
        Assert.True(pid > 1);
        Assert.Equal("", (await gateway.ShAsync($"test -e /proc/{pid} || echo gone")).Trim());
        return pid;
    }

    /// <summary>The process is gone from the workspace (and reaped: no zombie left in /proc).</summary>
    private static Task WaitUntilGoneAsync(RuntimeGatewayClient gateway, int pid) =>
        WaitUntilAsync(async () => (await gateway.ShAsync($"test -e /proc/{pid} || echo gone")).Trim() == "gone");

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bounded.Request;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition did not hold in time");
            await Task.Delay(100);
        }
    }
}
