using Hearth.Bench.Reporting;
using Hearth.Testing;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// Workloads (issue 6): the agent's memory with N workloads and after a burst of their output
/// (<see cref="WorkloadMemory"/>), in one busybox workspace; then, in a second one, log-stream
/// latency (<see cref="LogLatency"/>) and SSE throughput (<see cref="LogThroughput"/>), each
/// against the runtime gateway's exec stream and a bare <c>crun exec</c> pipe.
/// </summary>
internal sealed class WorkloadsScenario(HearthdInstance hearthd, BenchOptions options, TextWriter progress) : IAsyncDisposable
{
    private readonly List<string> workspaces = [];

    public WorkloadMemory? Memory { get; private set; }
    public LogLatency? Latency { get; private set; }
    public LogThroughput? Throughput { get; private set; }
    /// <summary>The load average before each part and at the end: memory, latency, throughput, end.</summary>
    public List<string> Loads { get; } = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Loads.Add(await MachineInfo.LoadAverageAsync(cancellationToken));
        var quiet = await CreateAsync(cancellationToken);
        Memory = new WorkloadMemory(hearthd, quiet, options, progress);
        await Memory.RunAsync(cancellationToken);
        await DeleteAsync(quiet.Id);

        var streams = await CreateAsync(cancellationToken);
        Loads.Add(await MachineInfo.LoadAverageAsync(cancellationToken));
        Latency = new LogLatency(hearthd, streams, options, progress);
        await Latency.RunAsync(cancellationToken);
        Loads.Add(await MachineInfo.LoadAverageAsync(cancellationToken));
        Throughput = new LogThroughput(hearthd, streams, options, progress);
        await Throughput.RunAsync(cancellationToken);
        Loads.Add(await MachineInfo.LoadAverageAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in workspaces.ToList())
            await DeleteAsync(id);
    }

    private async Task<RuntimeWorkspace> CreateAsync(CancellationToken cancellationToken)
    {
        var workspace = await RuntimeWorkspace.CreateAsync(hearthd, cancellationToken);
        workspaces.Add(workspace.Id);
        return workspace;
    }

    private async Task DeleteAsync(string id)
    {
        workspaces.Remove(id);
        try { await hearthd.SendAsync(HttpMethod.Delete, $"/workspace/{id}"); }
        catch (HttpRequestException e) { progress.WriteLine($"workloads: could not delete {id}: {e.Message}"); }
    }
}
