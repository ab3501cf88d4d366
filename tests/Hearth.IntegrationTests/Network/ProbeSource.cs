using System.Text;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Network;

/// <summary>Where probes are sent from: inside a workspace, or a network namespace of the lab.</summary>
public abstract record ProbeSource(string Label)
{
    /// <summary>The command that runs <paramref name="script"/> (POSIX sh) there.</summary>
    private protected abstract IReadOnlyList<string> Shell(string script);

    /// <summary>How the script calls nettool there.</summary>
    private protected abstract Task<string> ToolAsync();

    /// <summary>Runs a shell script there (bounded).</summary>
    internal async Task<CommandResult> ShAsync(string script)
    {
        var command = Shell(script);
        for (var attempt = 1; ; attempt++)
        {
            var result = await Command.RunAsync(command[0], command.Skip(1)).Within();
            // crun 1.8 (Debian 12) fails an exec that comes before the container's init has
            // exec'd, "setns(pid=…, CLONE_*): Operation not permitted", and runs nothing
            // (containers/crun#1264, fixed in 1.9): right after a create, try again.
            if (attempt == 5 || result.ExitCode == 0 || !result.Stderr.Contains("setns(pid=", StringComparison.Ordinal))
                return result;
            await Task.Delay(50 * attempt);
        }
    }

    /// <summary>Sends the probes one after the other; returns nettool's line for each ("open ok 10.88.0.2", "refused").</summary>
    internal async Task<IReadOnlyList<string>> ProbeAsync(params Probe[] probes)
    {
        var tool = await ToolAsync();
        // One line per probe, whatever happens (a missing tool prints its error in that line).
        var script = string.Join('\n', probes.Select(p => $"echo \"$({tool} probe {string.Join(' ', p.Arguments)} 2>&1 | head -n 1)\""));
        var result = await ShAsync(script);
        var lines = result.Stdout.Split('\n').Take(probes.Length).ToList();
        Assert.True(lines.Count == probes.Length, $"{Label}: {probes.Length} probes gave {lines.Count} lines: {result}");
        return lines;
    }

    /// <summary>
    /// Sends <paramref name="count"/> ICMP echo replies nobody asked for (<c>nettool stray</c>) to
    /// <paramref name="address"/>; each is "sent", or "refused" when the sender's own output hook drops it.
    /// </summary>
    internal async Task StrayAsync(string address, int count = 3)
    {
        var tool = await ToolAsync();
        var result = await ShAsync(string.Join('\n', Enumerable.Repeat($"{tool} stray {address} || true", count)));
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == count && lines.All(l => l is "sent" or Probe.Refused), $"{Label}: nettool stray {address} failed: {result}");
    }

    /// <summary>Asserts that every probe has <paramref name="outcome"/>; a failure lists every probe with what it got.</summary>
    internal async Task ExpectAsync(string outcome, params Probe[] probes)
    {
        var lines = await ProbeAsync(probes);
        var outcomes = lines.Select(l => l.Split(' ')[0]).ToList();
        if (outcomes.All(o => o == outcome)) return;
        var table = new StringBuilder($"{Label}: expected every probe to be {outcome}\n");
        for (var i = 0; i < probes.Length; i++)
            table.AppendLine($"  {(outcomes[i] == outcome ? "ok  " : "FAIL")} {Label} -> {probes[i]}: {lines[i]}");
        Assert.Fail(table.ToString());
    }

    public sealed override string ToString() => Label;
}
