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
        return await Command.RunAsync(command[0], command.Skip(1)).Within();
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

    /// <summary>Sends <paramref name="count"/> ICMP echo replies nobody asked for (<c>nettool stray</c>) to <paramref name="address"/>.</summary>
    internal async Task StrayAsync(string address, int count = 3)
    {
        var tool = await ToolAsync();
        var result = await ShAsync(string.Join('\n', Enumerable.Repeat($"{tool} stray {address}", count)));
        Assert.True(result.ExitCode == 0, $"{Label}: nettool stray {address} failed: {result}");
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
