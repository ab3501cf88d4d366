namespace Hearth.Server.Persistence;

/// <summary>No room for another workspace: <c>max_workspaces</c> reached, or no address left in the pool.</summary>
internal sealed class WorkspaceLimitReachedException : Exception
{
    public WorkspaceLimitReachedException(int limit)
        : base($"this host holds at most {limit} workspaces (max_workspaces)") { }

    public WorkspaceLimitReachedException(string message) : base(message) { }
}
