namespace Hearth.Bench.Scenarios;

/// <summary>The agent's own lines in a workload's log (stream <c>system</c>; src/Hearth.Agent/Workloads/WorkloadManager) that a reader needs.</summary>
internal static class WorkloadNotes
{
    /// <summary>The note after a run's last output: "exited with code N" or "killed by signal N" (also inside "stopped (...)").</summary>
    public static bool IsEnd(string note) =>
        note.Contains("exited with code ", StringComparison.Ordinal) || note.Contains("killed by signal ", StringComparison.Ordinal);
}
