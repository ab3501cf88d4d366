using System.Diagnostics;
using System.Text;

namespace Hearth.Bench.Host;

/// <summary>
/// Runs a host program the way hearthd's ProcessRunner does (all three stdio redirected, output
/// read asynchronously), so a spawn costs the bench what it costs hearthd.
/// </summary>
internal static class HostProcess
{
    public static async Task<HostResult> RunAsync(string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;

        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new BenchException($"{file} {string.Join(' ', info.ArgumentList)} did not finish in time");
        }
        lock (stdout) lock (stderr)
            return new HostResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit is an error.</summary>
    public static async Task<HostResult> RunCheckedAsync(string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var args = arguments.ToList();
        var result = await RunAsync(file, args, environment, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
            throw new BenchException($"{file} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr.Trim()} {result.Stdout.Trim()}");
        return result;
    }
}

internal sealed record HostResult(int ExitCode, string Stdout, string Stderr);
