using System.Diagnostics;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Runtime;

/// <summary>The published <c>hearth exec</c> against a real hearthd and a real busybox workspace.</summary>
public sealed class CliExecTests(HearthdFixture fixture) : IClassFixture<HearthdFixture>
{
    private HearthdInstance Hearthd => fixture.Hearthd;

    [Fact]
    public async Task Exec_prints_the_output_and_exits_with_the_commands_code()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

        var run = await HearthAsync(null, "exec", id, "--", "sh", "-c", "echo hi; echo oops >&2; exit 3");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("hi\n", run.Stdout);
        Assert.Equal("oops\n", run.Stderr);
    }

    [Fact]
    public async Task Exec_forwards_piped_stdin()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

        var run = await HearthAsync("line 1\nline 2\n", "exec", id, "--", "wc", "-l");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("2", run.Stdout.Trim());
    }

    [Fact]
    public async Task Exec_json_prints_the_task_and_still_exits_with_its_code()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

        var run = await HearthAsync(null, "exec", id, "--json", "--timeout", "10", "--", "sh", "-c", "echo hi; exit 3");

        Assert.True(run.ExitCode == 3, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("hi\n", json.RootElement.GetProperty("stdout").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task Output_to_a_file_shared_with_the_shell_continues_where_the_shell_left_off()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var file = Path.Combine(Hearthd.DataDir, "appended.txt");

        var run = await Command.RunAsync("/bin/sh", ["-c",
            $"{{ echo first; {Hearth()} exec {id} -- echo second; {Hearth()} exec {id} -- echo third; echo fourth; }} > {file}"],
            Bounded.Create).Within(Bounded.Create);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("first\nsecond\nthird\nfourth\n", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task A_reader_that_goes_away_stops_an_endless_command_with_141()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

        var run = await Command.RunAsync("/bin/bash", ["-c", $"{Hearth()} exec {id} -- yes | head -c 4; echo \" ${{PIPESTATUS[0]}}\""],
            Bounded.Create).Within(Bounded.Create);

        Assert.Equal("y\ny\n 141\n", run.Stdout);
    }

    [Fact]
    public async Task Exec_in_an_unknown_workspace_exits_1_with_not_found()
    {
        var run = await HearthAsync(null, "exec", "ws_nope", "--", "true");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not_found", run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Shell_is_a_real_terminal_over_the_websocket_and_exits_with_the_shells_code()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);

        // script(1) gives the CLI a terminal of its own (raw mode, a window size); its stdin is typed in.
        var typed = "tty; stty size; echo hello-$((6*7)); exit 5\n";
        var run = await Command.RunAsync("/bin/sh", ["-c",
            $"printf '{typed}' | script -qec 'stty cols 100 rows 30; {Hearth()} shell {id}' /dev/null"],
            Bounded.Create).Within(Bounded.Create);

        Assert.True(run.ExitCode == 5, run.ToString());
        Assert.Contains("hello-42", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("/dev/pts/", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("30 100", run.Stdout, StringComparison.Ordinal);
        // The CLI closes the terminal it opened.
        var token = (await Hearthd.PostAsync($"/workspace/{id}/runtime-api-access/enable")).Json.GetProperty("token").GetString();
        using var gateway = new HttpClient();
        gateway.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var terminals = JsonDocument.Parse(await gateway.GetStringAsync(Hearthd.RuntimeUrl + "/terminals")).RootElement.GetProperty("terminals");
        Assert.Equal(0, terminals.GetArrayLength());
    }

    [Fact]
    public async Task Cp_copies_a_tree_in_and_single_files_both_ways_byte_for_byte()
    {
        var id = await Hearthd.CreateWorkspaceAsync().Within(Bounded.Create);
        var local = Path.Combine(Hearthd.DataDir, "cp-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(Path.Combine(local, "tree", "sub"));
        var binary = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        await File.WriteAllBytesAsync(Path.Combine(local, "tree", "sub", "blob.bin"), binary);
        await File.WriteAllTextAsync(Path.Combine(local, "tree", "héllo wörld.txt"), "unicode name\n");

        var up = await HearthAsync(null, "cp", Path.Combine(local, "tree"), $"{id}:/app");
        Assert.True(up.ExitCode == 0, up.ToString());
        var listing = await HearthAsync(null, "exec", id, "--", "sh", "-c", "cd /app && find . -type f | sort && md5sum sub/blob.bin");
        Assert.Contains("./héllo wörld.txt", listing.Stdout, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(binary)), listing.Stdout, StringComparison.Ordinal);

        var back = Path.Combine(local, "back.bin");
        var down = await HearthAsync(null, "cp", $"{id}:/app/sub/blob.bin", back);
        Assert.True(down.ExitCode == 0, down.ToString());
        Assert.Equal(binary, await File.ReadAllBytesAsync(back));

        var missing = await HearthAsync(null, "cp", $"{id}:/no/such/file", Path.Combine(local, "x"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("not_found", missing.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The published CLI with this instance's connection, for a shell command line.</summary>
    private string Hearth() =>
        $"{RepositoryPaths.HearthCli} --url {Hearthd.ApiUrl} --credentials {Path.Combine(Hearthd.DataDir, "admin-credentials.json")}";

    /// <summary>Runs the published CLI with <paramref name="stdin"/> piped in (or an empty pipe).</summary>
    private async Task<CommandResult> HearthAsync(string? stdin, params string[] args)
    {
        var info = new ProcessStartInfo(RepositoryPaths.HearthCli)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The connection options go before "--": everything after it is the remote command.
        string[] connection = ["--url", Hearthd.ApiUrl, "--credentials", Path.Combine(Hearthd.DataDir, "admin-credentials.json")];
        foreach (var arg in (string[])[args[0], .. connection, .. args[1..]])
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync().Within(Bounded.Create);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }
}
