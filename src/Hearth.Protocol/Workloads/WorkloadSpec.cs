namespace Hearth.Protocol.Workloads;

/// <summary>
/// A workload's definition: what <c>POST /workspace/:id/workloads</c> asks for once hearthd has
/// read the Oblien aliases, what hearthd sends the agent, and what the agent keeps on the
/// workspace's disk (docs/design/workloads.md). The defaults are the API's.
/// </summary>
public record WorkloadSpec
{
    /// <summary><c>wl_</c> and 10 lowercase letters and digits; null lets the agent choose one.</summary>
    public string? Id { get; init; }

    /// <summary>Unique in the workspace; 1-63 letters, digits, <c>.</c>, <c>_</c>, <c>-</c>, starting with a letter or digit. Works wherever an id does.</summary>
    public required string Name { get; init; }

    /// <summary>The program and its arguments; <c>cmd[0]</c> is looked up in PATH (the workload's own <c>PATH</c> if <see cref="Env"/> sets one).</summary>
    public required IReadOnlyList<string> Cmd { get; init; }

    /// <summary>Variables set on top of the workspace's environment.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary>Absolute directory to run in; null for <c>/</c> (or the user's home when <see cref="User"/> is set).</summary>
    public string? WorkingDir { get; init; }

    /// <summary>User (name or uid, optionally <c>:group</c>) to run as, resolved in the workspace's /etc/passwd; null for root.</summary>
    public string? User { get; init; }

    /// <summary>One of <see cref="WorkloadRestartPolicy"/>.</summary>
    public string RestartPolicy { get; init; } = WorkloadRestartPolicy.OnFailure;

    /// <summary>Restarts in a row (runs shorter than <see cref="WorkloadLimits.StableRunSeconds"/>) before the workload is <c>failed</c>; 0 for no limit.</summary>
    public int MaxRestarts { get; init; } = 10;

    /// <summary>Seconds before the first restart of a series.</summary>
    public double RestartDelay { get; init; } = 1;

    /// <summary>Doubles the delay for each further restart in a row, up to <see cref="WorkloadLimits.MaxRestartDelaySeconds"/>.</summary>
    public bool RestartBackoff { get; init; } = true;

    /// <summary>Start when created and whenever the workspace starts.</summary>
    public bool AutoStart { get; init; } = true;

    /// <summary>False keeps the workload from starting by itself (as <see cref="AutoStart"/> false); an explicit start still works.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>False clears the workload's log each time it is started by hand or by the workspace's start.</summary>
    public bool KeepLogs { get; init; } = true;

    /// <summary>The most its log keeps on the disk, 1-1024 MB; older lines go first.</summary>
    public int MaxLogSizeMb { get; init; } = WorkloadLimits.DefaultMaxLogSizeMb;

    /// <summary>Lines older than this many hours are dropped (a whole log segment at a time); 0 keeps them until the size limit.</summary>
    public int LogRetentionHours { get; init; }

    /// <summary>Free-form string pairs, returned as given.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>Free-form string pairs, returned as given.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>What the workspace does when the workload ends for good: empty for nothing, <c>stop</c> (or <c>exit</c>) stops the workspace.</summary>
    public string? VmOnExit { get; init; }

    /// <summary><c>api</c> (created through the API) or <c>config</c> (from the workspace's <c>config.workloads</c>).</summary>
    public string? Origin { get; init; }
}

/// <summary>The restart policies (the Oblien names; <c>no</c> and <c>never</c> mean the same).</summary>
public static class WorkloadRestartPolicy
{
    /// <summary>Never restarted.</summary>
    public const string No = "no";
    /// <summary>The same as <see cref="No"/>.</summary>
    public const string Never = "never";
    /// <summary>Restarted whenever it ends, and started with the workspace even after a stop request.</summary>
    public const string Always = "always";
    /// <summary>Restarted when it ends with a code other than 0 or by a signal.</summary>
    public const string OnFailure = "on-failure";
    /// <summary>As <see cref="Always"/>, but a stop request keeps it stopped across workspace restarts.</summary>
    public const string UnlessStopped = "unless-stopped";

    /// <summary>Every accepted value.</summary>
    public static IReadOnlyList<string> All { get; } = [No, Never, Always, OnFailure, UnlessStopped];
}

/// <summary>The states a workload reports in <c>status</c> (and <c>state</c>).</summary>
public static class WorkloadState
{
    /// <summary>Waiting for its restart (<c>next_restart_at</c>).</summary>
    public const string Pending = "pending";
    /// <summary>Its process runs.</summary>
    public const string Running = "running";
    /// <summary>Stopped by a request, or never started (<c>auto_start</c> false).</summary>
    public const string Stopped = "stopped";
    /// <summary>Ended with code 0 and its policy does not restart it.</summary>
    public const string Exited = "exited";
    /// <summary>Could not start (the reason in <c>error</c>), or ended badly and will not be restarted.</summary>
    public const string Failed = "failed";
}

/// <summary>Bounds of the workload API.</summary>
public static class WorkloadLimits
{
    /// <summary>Workloads per workspace.</summary>
    public const int MaxWorkloads = 64;
    /// <summary>A workload log's size limit when the request gives none, in MB.</summary>
    public const int DefaultMaxLogSizeMb = 10;
    /// <summary>The largest <c>max_log_size_mb</c>.</summary>
    public const int MaxLogSizeMb = 1024;
    /// <summary>The largest <c>log_retention_hours</c> (a year).</summary>
    public const int MaxLogRetentionHours = 24 * 365;
    /// <summary>The longest delay before a restart, also the cap of the backoff, in seconds.</summary>
    public const double MaxRestartDelaySeconds = 60;
    /// <summary>A run at least this long ends a crash loop: the restart count in a row and the backoff start again.</summary>
    public const int StableRunSeconds = 10;
    /// <summary>Arguments in <c>cmd</c>.</summary>
    public const int MaxCmdArguments = 4096;
    /// <summary>Entries in <c>env</c>.</summary>
    public const int MaxEnvEntries = 1024;
    /// <summary>Grace between SIGTERM and SIGKILL when a workload is stopped, unless the request says otherwise.</summary>
    public const int DefaultStopTimeoutSeconds = 10;
}
