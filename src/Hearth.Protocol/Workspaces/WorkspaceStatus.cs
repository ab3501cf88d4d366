namespace Hearth.Protocol.Workspaces;

/// <summary>The status values of a workspace (<c>status</c> and <c>info.status</c>).</summary>
public static class WorkspaceStatus
{
    /// <summary>Being created; create is synchronous, so clients rarely see it.</summary>
    public const string Creating = "creating";
    /// <summary>Being started.</summary>
    public const string Starting = "starting";
    /// <summary>Running and usable.</summary>
    public const string Running = "running";
    /// <summary>Frozen: its processes are suspended and keep their memory until resumed.</summary>
    public const string Paused = "paused";
    /// <summary>Being stopped.</summary>
    public const string Stopping = "stopping";
    /// <summary>Not running; its disk is kept and it can be started again.</summary>
    public const string Stopped = "stopped";
    /// <summary>The last start failed; <c>info.reason</c> says why.</summary>
    public const string Failed = "failed";
    /// <summary>Being deleted.</summary>
    public const string Deleting = "deleting";
}

/// <summary>The two workspace modes.</summary>
public static class WorkspaceMode
{
    /// <summary>Kept until deleted; the default when no <c>ttl</c> is given.</summary>
    public const string Permanent = "permanent";
    /// <summary>Meant to expire after its <c>ttl</c>; the default when a <c>ttl</c> is given.</summary>
    public const string Temporary = "temporary";
}
