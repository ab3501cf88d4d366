using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Network;

/// <summary>A workspace of the lab: its probes run inside it (<c>crun exec</c>, as its root).</summary>
public sealed record LabWorkspace(string Label, string Id, string Ip, string CrunRoot) : ProbeSource(Label)
{
    private protected override IReadOnlyList<string> Shell(string script) => ["crun", "--root", CrunRoot, "exec", Id, "/bin/sh", "-c", script];

    private protected override Task<string> ToolAsync() => Task.FromResult("nettool");

    /// <summary>The pid of the workspace's init on the host: <c>/proc/PID/ns/net</c> is its network namespace.</summary>
    internal async Task<int> InitPidAsync()
    {
        var state = (await Command.RunAsync("crun", ["--root", CrunRoot, "state", Id]).Within()).EnsureSuccess();
        return JsonDocument.Parse(state.Stdout).RootElement.GetProperty("pid").GetInt32();
    }

    /// <summary>
    /// The host end of the workspace's veth, named as hearthd names it (<c>NetworkOptions.VethOf</c>):
    /// "hw-" and the id without "ws_", or its last 12 characters when that is longer than 15.
    /// </summary>
    public string HostVeth => "hw-" + (Id[3..].Length <= 12 ? Id[3..] : Id[^12..]);

    /// <summary>
    /// IP packets the workspace's network namespace has received so far (<c>Ip: InReceives</c> of
    /// /proc/net/snmp, counted before any filtering): unchanged means not one packet arrived.
    /// </summary>
    internal async Task<long> PacketsReceivedAsync()
    {
        var snmp = (await ShAsync("grep '^Ip:' /proc/net/snmp")).EnsureSuccess().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var column = Array.IndexOf(snmp[0].Split(' '), "InReceives");
        return long.Parse(snmp[1].Split(' ')[column], System.Globalization.CultureInfo.InvariantCulture);
    }
}
