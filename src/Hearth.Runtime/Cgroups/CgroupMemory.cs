namespace Hearth.Runtime.Cgroups;

/// <summary>A cgroup's memory in use (without droppable page cache) and its limit, in bytes.</summary>
internal sealed record CgroupMemory(long Used, long? Limit);
