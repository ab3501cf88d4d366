namespace Hearth.Server.Persistence;

/// <summary>The store already holds as many workspaces as <c>max_workspaces</c> allows.</summary>
internal sealed class WorkspaceLimitReachedException(int limit)
    : Exception($"this host holds at most {limit} workspaces (max_workspaces)")
{
    public int Limit { get; } = limit;
}
