using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Hearth.Testing;

/// <summary>
/// A real hearthd process (the published binary) with its own data directory and port, as a
/// user would run it. Every test class gets its own, so tests never see each other's state.
/// </summary>
public sealed class HearthdInstance : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static int instances;
    private Process? process;
    private readonly IReadOnlyList<string> extraArgs;

    private HearthdInstance(string dataDir, int port, IReadOnlyList<string> extraArgs)
    {
        DataDir = dataDir;
        Port = port;
        this.extraArgs = extraArgs;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
    }

    public string DataDir { get; }

    /// <summary>
    /// The network namespace holding this instance's side of the workspaces' network (its
    /// gateway, veths and nftables table), made for it so instances side by side never share
    /// rules and no workspace of a test has a route off the machine; null when the test gave
    /// its own <c>--network-namespace</c>.
    /// </summary>
    public string? NetworkNamespace { get; private set; }

    /// <summary>First host uid of this instance's workspace ranges (each instance gets its own block of 256 ranges).</summary>
    public long UidBase { get; } = 1_000_000_000L + (Interlocked.Increment(ref instances) + Environment.ProcessId * 7L) % 150 * 256 * 65536;
    public int Port { get; }
    public string ApiUrl => $"http://127.0.0.1:{Port}";
    /// <summary>The runtime gateway's port (the role of workspace.oblien.com).</summary>
    public int RuntimePort { get; } = FreePort();
    public string RuntimeUrl => $"http://127.0.0.1:{RuntimePort}";
    public string LogPath => Path.Combine(DataDir, "hearthd.log");
    public string CrunRoot => Path.Combine(DataDir, "run", "crun");
    public string ClientId { get; private set; } = "";
    public string ClientSecret { get; private set; } = "";
    public int Pid => process?.Id ?? 0;

    /// <summary>Authenticated with the admin key the first start created.</summary>
    public HttpClient Http { get; }

    /// <summary>Starts hearthd with a fresh data dir; <paramref name="extraArgs"/> are extra flags.</summary>
    public static async Task<HearthdInstance> StartAsync(params string[] extraArgs)
    {
        RequiresRoot.Check();
        var dataDir = Path.Combine(Path.GetTempPath(), "hearth-test-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dataDir);
        var instance = new HearthdInstance(dataDir, FreePort(), extraArgs);
        if (!extraArgs.Contains("--network-namespace"))
            instance.NetworkNamespace = await TestNetworkNamespaces.CreateAsync();
        await instance.LaunchAsync();
        return instance;
    }

    /// <summary>(Re)starts the process on the same data dir and port.</summary>
    public async Task LaunchAsync()
    {
        var info = new ProcessStartInfo(RepositoryPaths.Hearthd)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var defaults = new List<string> { "--data-dir", DataDir, "--api-listen", $"127.0.0.1:{Port}", "--runtime-listen", $"127.0.0.1:{RuntimePort}",
            "--images-dir", RepositoryPaths.TestImages,
            "--prebuild-images", "busybox", "--stop-grace-seconds", "2" };
        // Instances running side by side must not hand out the same host uids.
        if (NetworkNamespace is not null) defaults.AddRange(["--network-namespace", NetworkNamespace]);
        if (!extraArgs.Contains("--uid-base")) defaults.AddRange(["--uid-base", UidBase.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-workspaces", "200"]);
        foreach (var arg in defaults.Concat(extraArgs))
            info.ArgumentList.Add(arg);
        // The instance must not pick up a settings file or HEARTH_* variables of the machine.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("HEARTH_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        info.Environment["HEARTH_CONFIG"] = Path.Combine(DataDir, "settings.json");
        if (!File.Exists(info.Environment["HEARTH_CONFIG"])) File.WriteAllText(info.Environment["HEARTH_CONFIG"]!, "{}");
        var log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
        process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = Http.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"hearthd exited with {process.ExitCode}:\n{ReadLog()}");
            if (clock.Elapsed > StartTimeout)
                throw new TimeoutException($"hearthd did not answer /health within {StartTimeout}:\n{ReadLog()}");
            try
            {
                if ((await probe.GetAsync("/health")).IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }

        using var creds = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataDir, "admin-credentials.json")));
        ClientId = creds.RootElement.GetProperty("client_id").GetString()!;
        ClientSecret = creds.RootElement.GetProperty("client_secret").GetString()!;
        Http.DefaultRequestHeaders.Remove("X-Client-ID");
        Http.DefaultRequestHeaders.Remove("X-Client-Secret");
        Http.DefaultRequestHeaders.Add("X-Client-ID", ClientId);
        Http.DefaultRequestHeaders.Add("X-Client-Secret", ClientSecret);
    }

    /// <summary>Sends JSON (or nothing) and returns the status and parsed body.</summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new ApiResponse(response.StatusCode, text);
    }

    public Task<ApiResponse> PostAsync(string path, string? json = null) => SendAsync(HttpMethod.Post, path, json);
    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);
    public Task<ApiResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>Creates a workspace and returns its id, failing the test if the create fails.</summary>
    public async Task<string> CreateWorkspaceAsync(string json = """{"image":"busybox"}""")
    {
        var response = await PostAsync("/workspace", json);
        response.EnsureStatus(HttpStatusCode.Created);
        return response.Json.GetProperty("workspace").GetProperty("id").GetString()!;
    }

    /// <summary>Runs a command inside a workspace with <c>crun exec</c> (the runtime API comes later).</summary>
    public Task<CommandResult> ExecAsync(string workspaceId, params string[] command) =>
        Command.RunAsync("crun", ["--root", CrunRoot, "exec", workspaceId, .. command]);

    /// <summary>Runs a shell script inside a workspace.</summary>
    public Task<CommandResult> ShAsync(string workspaceId, string script) => ExecAsync(workspaceId, "/bin/sh", "-c", script);

    /// <summary>Kills hearthd with SIGKILL: no cleanup of its own runs.</summary>
    public async Task KillAsync()
    {
        if (process is null || process.HasExited) return;
        process.Kill();
        await process.WaitForExitAsync();
    }

    /// <summary>Stops hearthd with SIGTERM and waits.</summary>
    public async Task StopAsync()
    {
        if (process is null || process.HasExited) return;
        Libc.Kill(process.Id, 15);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(); await process.WaitForExitAsync(); }
    }

    public string ReadLog()
    {
        try { return File.ReadAllText(LogPath); }
        catch (IOException) { return "(no log)"; }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (process is { HasExited: false })
            {
                var list = await GetAsync("/workspace?limit=500");
                if (list.Status == HttpStatusCode.OK)
                    foreach (var ws in list.Json.GetProperty("workspaces").EnumerateArray())
                        await DeleteAsync("/workspace/" + ws.GetProperty("id").GetString());
            }
        }
        catch (Exception) { }
        await StopAsync();
        Http.Dispose();
        // Anything a failed test left running in this instance's crun root goes too.
        var leftovers = await Command.RunAsync("crun", ["--root", CrunRoot, "list", "-q"]);
        foreach (var id in leftovers.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            await Command.RunAsync("crun", ["--root", CrunRoot, "delete", "-f", id.Trim()]);
        foreach (var mount in HostTraces.MountsUnder(DataDir).Reverse())
            await Command.RunAsync("umount", ["-l", mount]);
        if (Environment.GetEnvironmentVariable("HEARTH_TEST_KEEP_LOGS") is { } keep) { Directory.CreateDirectory(keep); File.Copy(LogPath, Path.Combine(keep, Path.GetFileName(DataDir) + ".log"), true); }
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        if (NetworkNamespace is not null)
            await TestNetworkNamespaces.DeleteAsync(NetworkNamespace);
    }

    /// <summary>Runs a host command inside <see cref="NetworkNamespace"/> (e.g. <c>nft list ruleset</c>).</summary>
    public Task<CommandResult> InNetworkNamespaceAsync(string file, params string[] arguments) =>
        Command.RunAsync("ip", ["netns", "exec", NetworkNamespace ?? throw new InvalidOperationException("this instance runs in a namespace the test made"), file, .. arguments]);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
