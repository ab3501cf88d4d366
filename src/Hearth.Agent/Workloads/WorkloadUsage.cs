using Hearth.Protocol.Workloads;

namespace Hearth.Agent.Workloads;

/// <summary>
/// CPU percent and memory of workloads from their sessions' processes. CPU percent is the CPU
/// time a workload used since the previous sample of it, over the time between (a stats stream
/// asks every few seconds); with no previous sample younger than <see cref="MaxSampleAge"/>,
/// it takes one and measures over <see cref="ShortSample"/>.
/// </summary>
internal sealed class WorkloadUsage
{
    private static readonly long MaxSampleAge = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;
    private static readonly TimeSpan ShortSample = TimeSpan.FromMilliseconds(250);

    /// <summary>A sample shorter than this says too little; the older one is kept for the next call.</summary>
    private const long MinSampleMilliseconds = 100;

    private readonly object _gate = new();
    private readonly Dictionary<int, (long Ticks, long At)> _previous = [];

    /// <summary>What <see cref="Measure"/> needs to know of one workload.</summary>
    internal readonly record struct Subject(string Id, string Name, string Status, int? Pid, double UptimeSeconds, int RestartCount);

    public IReadOnlyList<WorkloadStats> Measure(IReadOnlyList<Subject> subjects)
    {
        lock (_gate)
        {
            var now = Environment.TickCount64;
            var totals = Totals();
            var unsampled = subjects.Where(s => s.Pid is { } pid && NeedsSample(pid, now)).Select(s => s.Pid!.Value).ToList();
            if (unsampled.Count > 0)
            {
                foreach (var pid in unsampled)
                {
                    if (totals.TryGetValue(pid, out var t)) _previous[pid] = (t.Ticks, now);
                }

                Thread.Sleep(ShortSample);
                now = Environment.TickCount64;
                totals = Totals();
            }

            var stamp = DateTimeOffset.UtcNow;
            var result = new List<WorkloadStats>(subjects.Count);
            foreach (var s in subjects)
            {
                double cpu = 0;
                var (ticks, rss, processes) = s.Pid is { } pid && totals.TryGetValue(pid, out var t) ? t : default;
                if (processes > 0)
                {
                    var session = s.Pid!.Value;
                    if (_previous.TryGetValue(session, out var previous) && now > previous.At)
                        cpu = Math.Max(0, (ticks - previous.Ticks) / (double)SessionProcesses.TicksPerSecond / ((now - previous.At) / 1000.0) * 100);
                    _previous[session] = (ticks, now);
                }
                result.Add(new WorkloadStats
                {
                    Id = s.Id,
                    Name = s.Name,
                    Status = s.Status,
                    Pid = s.Pid,
                    CpuPercent = Math.Round(cpu, 1),
                    RssBytes = rss * Environment.SystemPageSize,
                    Processes = processes,
                    UptimeSeconds = Math.Round(s.UptimeSeconds, 1),
                    RestartCount = s.RestartCount,
                    Timestamp = stamp,
                });
            }

            // Sessions that ended take their samples with them.
            foreach (var pid in _previous.Keys.Where(pid => !totals.ContainsKey(pid)).ToList())
                _previous.Remove(pid);
            return result;
        }
    }

    /// <summary>Under the lock: no previous sample of the session, or one too old or too recent to compare with.</summary>
    private bool NeedsSample(int pid, long now) =>
        !_previous.TryGetValue(pid, out var previous) || now - previous.At > MaxSampleAge || now - previous.At < MinSampleMilliseconds;

    private static Dictionary<int, (long Ticks, long Rss, int Processes)> Totals()
    {
        var totals = new Dictionary<int, (long Ticks, long Rss, int Processes)>();
        foreach (var (_, usage) in SessionProcesses.All())
        {
            if (usage.Session <= 0) continue;
            totals.TryGetValue(usage.Session, out var sum);
            totals[usage.Session] = (sum.Ticks + usage.CpuTicks, sum.Rss + usage.RssPages, sum.Processes + 1);
        }

        return totals;
    }
}
