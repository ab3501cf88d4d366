using System.Collections.Concurrent;
using System.Diagnostics;
using Hearth.IntegrationTests.Infrastructure;

namespace Hearth.IntegrationTests.Network;

/// <summary>
/// <c>nettool listen</c>: TCP and UDP servers that answer "ok &lt;peer ip&gt;", in a namespace of
/// the lab (a process of this test run, ended at dispose) or inside a workspace; or
/// <c>nettool dns</c>, a DNS zone in a namespace of the lab.
/// </summary>
public sealed class LabListener : IAsyncDisposable
{
    /// <summary>Where a workspace's listener writes "listening" and then one line per peer.</summary>
    public const string LogInWorkspace = "/tmp/nettool-listen.log";

    private readonly Process process;
    private readonly ConcurrentQueue<string> peers = new();
    private Task reader = Task.CompletedTask;

    private LabListener(Process process) => this.process = process;

    /// <summary>"tcp|udp PEER PORT" for each connection or datagram so far.</summary>
    public IReadOnlyList<string> Peers => peers.ToList();

    /// <summary>Starts a listener in network namespace <paramref name="netns"/> and waits until it listens.</summary>
    public static Task<LabListener> StartAsync(string netns, params int[] ports) =>
        StartToolAsync(netns, ["listen", .. ports.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    /// <summary>
    /// Starts a DNS zone on UDP port 53 of <paramref name="netns"/>: <c>NAME=IP[/TTL]</c> records,
    /// NXDOMAIN for anything else; <see cref="Peers"/> gets "dns PEER NAME" for each query.
    /// </summary>
    public static Task<LabListener> StartDnsAsync(string netns, params string[] records) => StartToolAsync(netns, ["dns", .. records]);

    private static async Task<LabListener> StartToolAsync(string netns, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", netns, await NetTool.PathAsync() }.Concat(arguments))
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        var listener = new LabListener(process);
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
            if (first != "listening")
                throw new InvalidOperationException($"nettool {string.Join(' ', arguments)} in {netns} did not start: {first}");
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }
        listener.reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
                listener.peers.Enqueue(line);
        });
        return listener;
    }

    /// <summary>Starts a listener inside a workspace (it outlives the exec: init adopts it) and waits until it listens.</summary>
    public static async Task StartInWorkspaceAsync(LabWorkspace workspace, params int[] ports)
    {
        var script = $$"""
            {{NetTool.InWorkspace}} listen {{string.Join(' ', ports)}} </dev/null >{{LogInWorkspace}} 2>&1 &
            i=0
            until grep -q '^listening' {{LogInWorkspace}} 2>/dev/null; do
              i=$((i + 1)); [ $i -gt 500 ] && { cat {{LogInWorkspace}}; exit 1; }
              usleep 10000
            done
            """;
        var started = await workspace.ShAsync(script).Within();
        Assert.True(started.ExitCode == 0, $"the listener of {workspace.Label} did not start: {started}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        await reader.WaitAsync(TimeSpan.FromSeconds(10));
        process.Dispose();
    }
}
