namespace Hearth.Protocol.Workspaces;

/// <summary>The status values of a workspace (<c>status</c> and <c>info.status</c>).</summary>
public static class WorkspaceStatus
{
    public const string Creating = "creating";
    public const string Starting = "starting";
    public const string Running = "running";
    public const string Paused = "paused";
    public const string Stopping = "stopping";
    public const string Stopped = "stopped";
    public const string Failed = "failed";
    public const string Deleting = "deleting";
}

/// <summary>The two workspace modes.</summary>
public static class WorkspaceMode
{
    public const string Permanent = "permanent";
    public const string Temporary = "temporary";
}
