using System.Text.Json;
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Containers;

/// <summary>crun(1), with a state directory of our own so we only ever see our containers.</summary>
internal sealed class CrunCli(IProcessRunner processes, DriverOptions options)
{
    private IEnumerable<string> Global => ["--root", options.CrunRoot];

    /// <summary>
    /// Creates the container detached, its init waiting for <see cref="StartAsync"/> (the time to
    /// wire its network namespace). The container's stdio goes to
    /// <paramref name="consoleLog"/>: crun passes its own stdio to the container, and a pipe
    /// back to us would stay open for the container's whole life.
    /// </summary>
    public async Task CreateAsync(string id, string bundle, string consoleLog, string pidFile, CancellationToken cancellationToken = default)
    {
        var result = await processes.RunAsync(new ProcessRequest("/bin/sh",
            ["-c", "exec \"$0\" \"$@\" </dev/null >>\"$HEARTH_CONSOLE\" 2>&1",
             options.CrunPath, .. Global, "create", "--pid-file", pidFile, "--bundle", bundle, id])
        {
            Environment = new Dictionary<string, string> { ["HEARTH_CONSOLE"] = consoleLog },
            Timeout = TimeSpan.FromSeconds(30),
        }, cancellationToken);
        if (!result.Succeeded)
        {
            // crun reports why on the stdio it shares with the container: the console log.
            var tail = File.Exists(consoleLog) ? string.Join(" | ", File.ReadLines(consoleLog).TakeLast(5)) : "";
            throw new RuntimeException("container_start_failed", $"crun create {id} failed ({result.ExitCode}): {tail}");
        }
    }

    /// <summary>Lets the init of a created container run.</summary>
    public Task StartAsync(string id, CancellationToken cancellationToken = default) =>
        processes.RunCheckedAsync(new ProcessRequest(options.CrunPath, [.. Global, "start", id]), cancellationToken);

    /// <summary>True when crun keeps state for <paramref name="id"/> (checked without running crun).</summary>
    public bool HasState(string id) => Directory.Exists(Path.Combine(options.CrunRoot, id));

    /// <summary>The container's status and init pid, or null when crun does not know it.</summary>
    public async Task<(ContainerStatus Status, int? Pid)?> StateAsync(string id, CancellationToken cancellationToken = default)
    {
        var result = await processes.RunAsync(new ProcessRequest(options.CrunPath, [.. Global, "state", id]), cancellationToken);
        if (!result.Succeeded) return null;
        using var doc = JsonDocument.Parse(result.StandardOutput);
        var status = doc.RootElement.GetProperty("status").GetString() switch
        {
            "created" => ContainerStatus.Created,
            "running" => ContainerStatus.Running,
            "paused" => ContainerStatus.Paused,
            _ => ContainerStatus.Stopped,
        };
        int? pid = doc.RootElement.TryGetProperty("pid", out var p) && p.GetInt32() > 0 ? p.GetInt32() : null;
        return (status, pid);
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var result = await processes.RunCheckedAsync(new ProcessRequest(options.CrunPath, [.. Global, "list", "-q"]), cancellationToken);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public Task<ProcessResult> KillAsync(string id, string signal, CancellationToken cancellationToken = default) =>
        processes.RunAsync(new ProcessRequest(options.CrunPath, [.. Global, "kill", id, signal]), cancellationToken);

    public Task<ProcessResult> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        processes.RunAsync(new ProcessRequest(options.CrunPath, [.. Global, "delete", "--force", id]), cancellationToken);

    public Task PauseAsync(string id, CancellationToken cancellationToken = default) =>
        processes.RunCheckedAsync(new ProcessRequest(options.CrunPath, [.. Global, "pause", id]), cancellationToken);

    public Task ResumeAsync(string id, CancellationToken cancellationToken = default) =>
        processes.RunCheckedAsync(new ProcessRequest(options.CrunPath, [.. Global, "resume", id]), cancellationToken);

    public Task UpdateAsync(string id, IReadOnlyList<string> flags, CancellationToken cancellationToken = default) =>
        processes.RunCheckedAsync(new ProcessRequest(options.CrunPath, [.. Global, "update", .. flags, id]), cancellationToken);
}
