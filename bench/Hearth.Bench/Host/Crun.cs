using Hearth.Runtime.Processes;

namespace Hearth.Bench.Host;

/// <summary>
/// crun(1) for the baselines, invoked as hearthd's CrunCli invokes it (less <c>--pid-file</c>:
/// bare <c>crun run --detach</c>), on the bench's own state dir; the exec baseline points it at
/// hearthd's state dir to exec into a workspace's container. The breakdown uses CrunCli itself.
/// </summary>
internal sealed class Crun(string stateRoot)
{
    /// <summary>
    /// <c>crun run --detach</c> through <c>sh -c exec</c> with stdio on a log file: crun hands its
    /// stdio to the container, so a pipe back to us would stay open as long as the container runs.
    /// </summary>
    public async Task RunDetachedAsync(string id, string bundle, string consoleLog, CancellationToken cancellationToken = default)
    {
        var result = await HostProcess.Runner.RunAsync(new ProcessRequest("/bin/sh",
            ["-c", "exec \"$0\" \"$@\" </dev/null >>\"$BENCH_CONSOLE\" 2>&1", "crun", "--root", stateRoot, "run", "--detach", "--bundle", bundle, id])
        {
            Environment = new Dictionary<string, string> { ["BENCH_CONSOLE"] = consoleLog },
            Timeout = TimeSpan.FromSeconds(30),
        }, cancellationToken);
        if (result.ExitCode != 0)
        {
            var tail = File.Exists(consoleLog) ? string.Join(" | ", File.ReadLines(consoleLog).TakeLast(5)) : "";
            throw new BenchException($"crun run {id} failed ({result.ExitCode}): {tail}");
        }
    }

    /// <summary><c>crun delete --force</c>; an id crun does not know is an error.</summary>
    public async Task DeleteCheckedAsync(string id, CancellationToken cancellationToken = default)
    {
        var result = await HostProcess.RunAsync("crun", ["--root", stateRoot, "delete", "--force", id], cancellationToken);
        if (!result.Succeeded)
            throw new BenchException($"crun delete --force {id} failed");
    }

    /// <summary>
    /// <c>crun exec</c> of <paramref name="command"/> in a running container, stdio on pipes (as
    /// Hearth.Testing's HearthdInstance.ExecAsync runs it); a non-zero exit is an error.
    /// </summary>
    public async Task ExecCheckedAsync(string id, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        var result = await HostProcess.RunAsync("crun", ["--root", stateRoot, "exec", id, .. command], cancellationToken);
        if (!result.Succeeded)
            throw new BenchException($"crun exec {id} {string.Join(' ', command)} failed ({result.ExitCode}): {result.StandardError.Trim()}");
    }
}
