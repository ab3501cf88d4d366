using Hearth.Agent.Interop;

namespace Hearth.Agent;

/// <summary>
/// Gives memory back after bulk work: PID 1 must not keep the heap it grew for one (idle RSS
/// &lt;= 8 MiB, docs/design/agent-protocol.md). The pump trims after process output, but only
/// while it has pipes to watch; every operation (an archive, a listing) allocates on its own
/// thread and trims through <see cref="TrimSince"/> when it ends (<c>Operation.Run</c>). Both the managed heap and glibc's malloc arenas (every
/// operation thread gets one, and native buffers such as zlib's live there) are given back.
/// </summary>
internal static class AgentMemory
{
    private const long Threshold = 4 * 1024 * 1024;

    /// <summary>
    /// glibc's M_ARENA_MAX: without a cap each new thread may get an arena of its own (up to
    /// 8 per core), and each keeps what it once held. Two are enough for the agent's threads.
    /// </summary>
    private const int MallocArenaMax = -8;

    /// <summary>At start: caps malloc's arenas for this process only (children exec a fresh malloc).</summary>
    public static void Configure() => Libc.Mallopt(MallocArenaMax, 2);

    public static long Mark() => GC.GetTotalAllocatedBytes();

    public static void TrimSince(long mark)
    {
        if (GC.GetTotalAllocatedBytes() - mark > Threshold) Trim();
    }

    /// <summary>A compacting full collection that decommits, then malloc_trim(3) of every arena.</summary>
    public static void Trim()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Libc.MallocTrim(0);
    }
}
