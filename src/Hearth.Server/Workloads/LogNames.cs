using Hearth.Protocol.Agent;

namespace Hearth.Server.Workloads;

/// <summary>
/// The names <c>GET /workspace/:id/logs/list</c> gives the workspace's logs, and the log each
/// names: <c>boot.log</c>, <c>cmd.log</c>, <c>workload-&lt;name&gt;.log</c>.
/// </summary>
internal static class LogNames
{
    private const string WorkloadPrefix = "workload-", Suffix = ".log";

    public static string OfSource(string source) => source + Suffix;

    public static string OfWorkload(string name) => WorkloadPrefix + name + Suffix;

    /// <summary>The log <paramref name="name"/> stands for; null when it names none.</summary>
    public static LogArgs? Parse(string name)
    {
        if (!name.EndsWith(Suffix, StringComparison.Ordinal)) return null;
        var stem = name[..^Suffix.Length];
        if (LogSources.All.Contains(stem)) return new LogArgs { Source = stem };
        if (stem.StartsWith(WorkloadPrefix, StringComparison.Ordinal) && stem.Length > WorkloadPrefix.Length)
            return new LogArgs { Workload = stem[WorkloadPrefix.Length..] };
        return null;
    }
}
