namespace Hearth.Agent.Files;

/// <summary>
/// Gives memory back after a bulk operation. The pump trims after process output, but only
/// while it has pipes to watch; an archive or a listing allocates on its own thread, and PID 1
/// must not keep the heap it grew for it (docs/design/agent-protocol.md, idle RSS &lt;= 8 MiB).
/// </summary>
internal static class AgentMemory
{
    private const long Threshold = 4 * 1024 * 1024;

    public static long Mark() => GC.GetTotalAllocatedBytes();

    public static void TrimSince(long mark)
    {
        if (GC.GetTotalAllocatedBytes() - mark > Threshold)
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
