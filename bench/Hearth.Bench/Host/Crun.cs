namespace Hearth.Bench.Host;

/// <summary>crun(1) invoked exactly as hearthd's CrunCli invokes it, on the bench's own state dir.</summary>
internal sealed class Crun(string stateRoot)
{
    /// <summary>
    /// <c>crun run --detach</c> through <c>sh -c exec</c> with stdio on a log file: crun hands its
    /// stdio to the container, so a pipe back to us would stay open as long as the container runs.
    /// </summary>
    public async Task RunDetachedAsync(string id, string bundle, string consoleLog, CancellationToken cancellationToken = default)
    {
        var result = await HostProcess.RunAsync("/bin/sh",
            ["-c", "exec \"$0\" \"$@\" </dev/null >>\"$BENCH_CONSOLE\" 2>&1", "crun", "--root", stateRoot, "run", "--detach", "--bundle", bundle, id],
            new Dictionary<string, string> { ["BENCH_CONSOLE"] = consoleLog }, TimeSpan.FromSeconds(30), cancellationToken);
        if (result.ExitCode != 0)
        {
            var tail = File.Exists(consoleLog) ? string.Join(" | ", File.ReadLines(consoleLog).TakeLast(5)) : "";
            throw new BenchException($"crun run {id} failed ({result.ExitCode}): {tail}");
        }
    }

    /// <summary><c>crun delete --force</c>; returns crun's exit code (non-zero for an unknown id).</summary>
    public async Task<int> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        (await HostProcess.RunAsync("crun", ["--root", stateRoot, "delete", "--force", id], cancellationToken: cancellationToken)).ExitCode;

    public async Task DeleteCheckedAsync(string id, CancellationToken cancellationToken = default)
    {
        if (await DeleteAsync(id, cancellationToken) != 0)
            throw new BenchException($"crun delete --force {id} failed");
    }

    /// <summary><c>crun state</c>, as hearthd asks it after every start.</summary>
    public async Task<string> StateAsync(string id, CancellationToken cancellationToken = default) =>
        (await HostProcess.RunCheckedAsync("crun", ["--root", stateRoot, "state", id], cancellationToken: cancellationToken)).Stdout;
}
