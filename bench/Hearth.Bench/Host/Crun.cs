using System.Diagnostics;
using Hearth.Runtime.Processes;

namespace Hearth.Bench.Host;

/// <summary>
/// crun(1) for the baselines, invoked as hearthd's CrunCli invokes it (less <c>--pid-file</c>:
/// bare <c>crun run --detach</c>), on the bench's own state dir; the exec baseline points it at
/// hearthd's state dir to exec into a workspace's container. The breakdown uses CrunCli itself.
/// </summary>
internal sealed class Crun(string stateRoot)
{
    /// <summary>Bounds a piped exec (64 MiB through a pipe takes well under a second on an idle machine).</summary>
    private static readonly TimeSpan PipedTimeout = TimeSpan.FromMinutes(2);

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

    /// <summary>
    /// <c>crun exec</c> of <paramref name="command"/> with <paramref name="input"/> on its
    /// stdin, which is then closed (so <c>cat &gt; FILE</c> ends); a non-zero exit is an error.
    /// crun exec has no <c>-i</c> (that is podman's and docker's): without <c>--tty</c> the
    /// process gets crun's own stdin, here the pipe.
    /// </summary>
    public Task ExecWithInputAsync(string id, IReadOnlyList<string> command, ReadOnlyMemory<byte> input, CancellationToken cancellationToken = default) =>
        PipedAsync(["--root", stateRoot, "exec", id, .. command], input, output: null, cancellationToken);

    /// <summary>
    /// <c>crun exec</c> of <paramref name="command"/> with its stdout read into
    /// <paramref name="output"/>; returns how many bytes it wrote. A non-zero exit, or more
    /// output than fits, is an error.
    /// </summary>
    public Task<int> ExecReadAsync(string id, IReadOnlyList<string> command, byte[] output, CancellationToken cancellationToken = default) =>
        PipedAsync(["--root", stateRoot, "exec", id, .. command], ReadOnlyMemory<byte>.Empty, output, cancellationToken);

    /// <summary>
    /// crun with binary stdio, which <see cref="ProcessRunner"/> (text lines) does not do: stdin
    /// written from memory while stdout is read into a buffer (or drained), all three on pipes
    /// as ProcessRunner has them, so a spawn costs what it costs there.
    /// </summary>
    private static async Task<int> PipedAsync(IReadOnlyList<string> arguments, ReadOnlyMemory<byte> input, byte[]? output, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("crun")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new BenchException("crun did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PipedTimeout);
        try
        {
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            var stdout = ReadToEnd.IntoAsync(process.StandardOutput.BaseStream, output, timeout.Token);
            try
            {
                if (!input.IsEmpty)
                    await process.StandardInput.BaseStream.WriteAsync(input, timeout.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // EPIPE: the command ended without reading all of it; its exit code and stderr say why.
            }

            var length = await stdout;
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
                throw new BenchException($"crun {string.Join(' ', arguments.Skip(2))} failed ({process.ExitCode}): {(await stderr).Trim()}");
            return length;
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new BenchException($"crun {string.Join(' ', arguments.Skip(2))} did not finish within {PipedTimeout.TotalSeconds:0} s");
        }
    }
}
