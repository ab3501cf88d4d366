using System.Net;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>Terminals driven over the workspace's <c>/ws</c> WebSocket, as the SDK drives them, against a real hearthd and agent.</summary>
public sealed class TerminalSocketTests(HearthdFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Typed_input_runs_in_the_default_shell_and_its_output_arrives()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var created = (await gateway.PostAsync("/terminals", "{}")).EnsureStatus(HttpStatusCode.Created).Json;
        await using var socket = await RuntimeSocketClient.ConnectAsync(Hearthd.RuntimeUrl, gateway.Token);

        await socket.TypeAsync("1", "echo hi-$((40+2)); tty\n");

        await socket.WaitForOutputAsync("1", "hi-42\r\n/dev/pts/");
        Assert.True(created.GetProperty("success").GetBoolean());
        Assert.Equal("1", created.GetProperty("id").GetString());
        Assert.Equal(["/bin/sh"], created.GetProperty("command").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(80, created.GetProperty("cols").GetInt32());
        Assert.Equal(24, created.GetProperty("rows").GetInt32());
        Assert.True(created.GetProperty("alive").GetBoolean());
        Assert.Equal(65536, created.GetProperty("scrollback_size").GetInt32());
    }

    [Fact]
    public async Task A_resize_message_changes_what_stty_sees()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var id = await CreateAsync(gateway, """{"cols":100,"rows":30}""");
        await using var socket = await RuntimeSocketClient.ConnectAsync(Hearthd.RuntimeUrl, gateway.Token);
        await socket.TypeAsync(id, "stty size\n");
        await socket.WaitForOutputAsync(id, "30 100\r\n");

        await socket.SendTextAsync($$"""{"channel":"terminal","type":"resize","id":"{{id}}","cols":132,"rows":43}""");
        await socket.TypeAsync(id, "stty size\n");

        await socket.WaitForOutputAsync(id, "43 132\r\n");
        var listed = (await gateway.GetAsync("/terminals")).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("terminals")[0];
        Assert.Equal(132, listed.GetProperty("cols").GetInt32());
        Assert.Equal(43, listed.GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task The_exit_message_carries_the_code_and_the_ended_terminal_stays_listed()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var id = await CreateAsync(gateway);
        await using var socket = await RuntimeSocketClient.ConnectAsync(Hearthd.RuntimeUrl, gateway.Token);

        await socket.TypeAsync(id, "echo last words; exit 5\n");
        var exit = await socket.WaitForExitAsync(id);

        Assert.Equal(5, exit.GetProperty("code").GetInt32());
        Assert.Contains("last words", socket.OutputOf(id), StringComparison.Ordinal);
        var listed = (await gateway.GetAsync("/terminals")).EnsureStatus(HttpStatusCode.OK).Json.GetProperty("terminals")[0];
        Assert.False(listed.GetProperty("alive").GetBoolean());
        Assert.Equal(5, listed.GetProperty("exit_code").GetInt32());
        var scrollback = (await gateway.GetAsync($"/terminals/{id}/scrollback")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.False(scrollback.GetProperty("alive").GetBoolean());
        Assert.Equal(5, scrollback.GetProperty("exit_code").GetInt32());
        Assert.Contains("last words", System.Text.Encoding.UTF8.GetString(scrollback.GetProperty("scrollback").GetBytesFromBase64()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reconnect_replays_live_scrollback_and_the_exit_of_ended_terminals()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var live = await CreateAsync(gateway);
        var ended = await CreateAsync(gateway, """{"cmd":["sh","-c","echo bye; exit 3"]}""");
        await using (var first = await RuntimeSocketClient.ConnectAsync(Hearthd.RuntimeUrl, gateway.Token))
        {
            await first.TypeAsync(live, "echo marker-$((7*6))\n");
            await first.WaitForOutputAsync(live, "marker-42");
            await first.WaitForExitAsync(ended);
            await first.CloseAsync();
        }

        // Nobody is connected: the terminal keeps running and its output goes to the scrollback.
        await gateway.ShAsync("true");
        await using var second = await RuntimeSocketClient.ConnectAsync(Hearthd.RuntimeUrl, gateway.Token);

        await second.WaitForOutputAsync(live, "marker-42");
        var exit = await second.WaitForExitAsync(ended);
        Assert.Equal(3, exit.GetProperty("code").GetInt32());
        Assert.Equal("", second.OutputOf(ended));
        await second.TypeAsync(live, "echo still-alive\n");
        await second.WaitForOutputAsync(live, "still-alive\r\n");
    }

    [Fact]
    public async Task A_second_socket_replaces_the_first()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var id = await CreateAsync(gateway);
        await using var first = await RuntimeSocketClient.ConnectAsync(Hearthd.RuntimeUrl, gateway.Token);

        await using var second = await RuntimeSocketClient.ConnectAsync(Hearthd.RuntimeUrl, gateway.Token, tokenInHeader: true);
        await first.Closed.Within();

        Assert.Equal(4001, (int?)first.CloseStatus);
        Assert.Contains("replaced", first.CloseDescription, StringComparison.Ordinal);
        await second.TypeAsync(id, "echo on-the-second\n");
        await second.WaitForOutputAsync(id, "on-the-second\r\n");
    }

    [Fact]
    public async Task A_client_that_does_not_read_costs_hearthd_no_memory_beyond_the_rings()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        await using var slow = await RuntimeSocketClient.ConnectAsync(Hearthd.RuntimeUrl, gateway.Token, read: false);
        var before = RssMiB(Hearthd.Pid);
        var peak = before;
        var id = await CreateAsync(gateway, """{"cmd":["seq","1","100000000"]}""");

        // About 64 MB flow while the client reads nothing: the terminal is not held back,
        // and hearthd does not keep what the client has not taken.
        long reached = 0;
        var deadline = DateTime.UtcNow + Bounded.Request;
        while (reached < 8_000_000)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the terminal only reached line {reached}");
            await Task.Delay(200);
            peak = Math.Max(peak, RssMiB(Hearthd.Pid));
            var tail = System.Text.Encoding.ASCII.GetString((await gateway.GetAsync($"/terminals/{id}/scrollback?bytes=64")).Json
                .GetProperty("scrollback").GetBytesFromBase64()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            if (tail.Length > 1) reached = long.Parse(tail[^2], System.Globalization.CultureInfo.InvariantCulture);
        }

        output.WriteLine($"hearthd RSS {before} -> peak {peak} MiB while a client read nothing and the terminal wrote ~{reached * 8 / 1_000_000} MB");
        Assert.True(peak - before < 48, $"hearthd's RSS went from {before} to {peak} MiB while ~{reached * 8 / 1_000_000} MB went past a client that did not read");
        slow.StartReading();
        // It gets what was under way when it stopped, then the newest output: lines it skipped are gone.
        await RuntimeSocketClient.WaitUntilAsync(() => LastLine(slow.OutputOf(id)) > reached, $"output past line {reached}");
        output.WriteLine($"the slow client, reading again, got {slow.OutputBytes} bytes");
        Assert.True(slow.OutputBytes < reached * 7, $"the slow client got {slow.OutputBytes} bytes: everything, not the recent output");
        (await gateway.DeleteAsync($"/terminals/{id}")).EnsureStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Input_for_an_unknown_terminal_is_ignored_and_bad_messages_do_not_close_the_socket()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);
        var id = await CreateAsync(gateway);
        await using var socket = await RuntimeSocketClient.ConnectAsync(Hearthd.RuntimeUrl, gateway.Token);

        await socket.SendInputAsync(99, "echo nowhere\n"u8.ToArray());
        await socket.SendTextAsync("not json");
        await socket.SendTextAsync("""{"channel":"terminal","type":"resize","id":"99","cols":10,"rows":10}""");
        await socket.SendTextAsync($$"""{"channel":"terminal","type":"resize","id":"{{id}}","cols":0,"rows":5000}""");
        await socket.TypeAsync(id, "stty size\n");

        await socket.WaitForOutputAsync(id, "24 80\r\n");
        Assert.False(socket.Closed.IsCompleted);
        Assert.Equal("", socket.OutputOf("99"));
    }

    [Fact]
    public async Task The_socket_needs_a_valid_token_and_an_upgrade()
    {
        using var gateway = await RuntimeGatewayClient.ForNewWorkspaceAsync(Hearthd);

        Assert.Equal(HttpStatusCode.Unauthorized, await RuntimeSocketClient.RefusedStatusAsync(Hearthd.RuntimeUrl, gateway.Token[..^2] + "xx"));
        ApiAssert.Error(await gateway.GetAsync("/ws"), HttpStatusCode.BadRequest, "bad_request");
        using var anonymous = new HttpClient();
        var withoutToken = await anonymous.GetAsync(Hearthd.RuntimeUrl + "/terminals?token=" + gateway.Token).Within();
        // ?token= is for /ws only: a token in any other URL would end up in logs and histories.
        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
    }

    [Fact]
    public async Task The_official_sdk_drives_terminals_and_the_socket_through_the_preload()
    {
        await OfficialSdk.RunAsync(Hearthd, "runtime-terminal.mjs", "compat: all runtime terminal calls passed");
    }

    private static long LastLine(string output)
    {
        var lines = output.Split("\r\n");
        return lines.Length > 1 && long.TryParse(lines[^2], System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : 0;
    }

    private static long RssMiB(int pid)
    {
        var line = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    private static async Task<string> CreateAsync(RuntimeGatewayClient gateway, string json = "{}") =>
        (await gateway.PostAsync("/terminals", json)).EnsureStatus(HttpStatusCode.Created).Json.GetProperty("id").GetString()!;
}
