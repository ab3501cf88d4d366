using System.Text.Json.Serialization;
using Hearth.Protocol.Workloads;

namespace Hearth.Protocol.Agent;

/// <summary>
/// <c>args</c> of the agent's <c>workload.*</c> operations (docs/design/workloads.md). A
/// reference (<see cref="Ref"/>) is a workload's id or its name.
/// </summary>
public sealed record WorkloadArgs
{
    /// <summary>The workload's id or name; every op but <c>workload.create</c>, <c>workload.list</c> and <c>workload.delete_all</c>.</summary>
    public string? Ref { get; init; }

    /// <summary><c>workload.create</c>: the definition hearthd checked.</summary>
    public WorkloadSpec? Spec { get; init; }

    /// <summary><c>workload.update</c>: the fields to change.</summary>
    public WorkloadPatch? Patch { get; init; }

    /// <summary><c>workload.stop</c>, <c>workload.delete</c>: seconds between SIGTERM and SIGKILL (default <see cref="WorkloadLimits.DefaultStopTimeoutSeconds"/>).</summary>
    public double? TimeoutSeconds { get; init; }
}

/// <summary><c>result</c> of <c>workload.list</c> and <c>workload.delete_all</c>.</summary>
public sealed record WorkloadListResult
{
    /// <summary>The workloads, oldest first.</summary>
    public required IReadOnlyList<WorkloadInfo> Workloads { get; init; }
}

/// <summary><c>result</c> of <c>workload.stats</c>: one entry per workload asked for (all without a ref).</summary>
public sealed record WorkloadStatsResult
{
    /// <summary>One entry per workload.</summary>
    public required IReadOnlyList<WorkloadStats> Stats { get; init; }
}

/// <summary>
/// <c>args</c> of <c>logs.read</c>, <c>logs.clear</c> and <c>logs.config</c>: one log, either a
/// workload's (<see cref="Workload"/>) or the workspace's (<see cref="Source"/>).
/// </summary>
public sealed record LogArgs
{
    /// <summary>A workload's id or name.</summary>
    public string? Workload { get; init; }

    /// <summary>Without <see cref="Workload"/>: one of <see cref="LogSources"/>.</summary>
    public string? Source { get; init; }

    /// <summary><c>logs.read</c>: start this many lines before the end (0 for the end itself); ignored when <see cref="Since"/> is set.</summary>
    public int? Tail { get; init; }

    /// <summary><c>logs.read</c>: start at this cursor (a byte offset of the log's whole history, from an earlier read or an SSE event id).</summary>
    public long? Since { get; init; }

    /// <summary><c>logs.read</c>: keep the operation open and send lines as they are written, until cancelled.</summary>
    public bool? Follow { get; init; }

    /// <summary><c>logs.read</c> without follow: send at most this many bytes, the newest ones (whole lines).</summary>
    public long? MaxBytes { get; init; }
}

/// <summary>The workspace's own logs (<c>GET /workspace/:id/logs?source=</c>).</summary>
public static class LogSources
{
    /// <summary>The agent's messages: the workspace's start, and what happened to its workloads.</summary>
    public const string Boot = "boot";

    /// <summary>The output of the workspace's main command (<c>config.cmd</c>, or the image's).</summary>
    public const string Cmd = "cmd";

    /// <summary>Every source, in the order <c>GET /workspace/:id/logs/list</c> names them.</summary>
    public static IReadOnlyList<string> All { get; } = [Boot, Cmd];
}

/// <summary>
/// An <c>event</c> of <c>logs.read</c>: <c>start</c> (always first: the cursor its data begins
/// at), <c>gap</c> (the lines between the cursor asked for and <see cref="Cursor"/> are gone:
/// retention dropped them), <c>cleared</c> (the log was cleared; data goes on at
/// <see cref="Cursor"/>).
/// </summary>
public sealed record LogEvent
{
    /// <summary><c>start</c>, <c>gap</c> or <c>cleared</c>.</summary>
    public required string Type { get; init; }
    /// <summary>Where the data that follows begins.</summary>
    public required long Cursor { get; init; }
}

/// <summary><c>result</c> of <c>logs.read</c> (where its data ended) and of <c>logs.clear</c>.</summary>
public sealed record LogReadResult
{
    /// <summary>The cursor just past the last byte sent: where a later read continues.</summary>
    public required long Cursor { get; init; }
}

/// <summary><c>result</c> of <c>logs.config</c>: a log's limits and what it holds.</summary>
public sealed record LogConfig
{
    /// <summary>The most the log keeps on the disk, in MB.</summary>
    public required int MaxLogSizeMb { get; init; }
    /// <summary>Hours a line is kept; 0 for no age limit.</summary>
    public required int LogRetentionHours { get; init; }

    /// <summary>Bytes its segments take on the disk.</summary>
    public required long StoredBytes { get; init; }

    /// <summary>Lines that could not be stored (a full disk, an I/O error) since the agent started.</summary>
    public required long DroppedLines { get; init; }

    /// <summary>Cursor of the oldest line still kept.</summary>
    public required long FirstCursor { get; init; }

    /// <summary>Cursor the next line will have.</summary>
    public required long NextCursor { get; init; }

    /// <summary>Where it is inside the workspace (a directory of segments).</summary>
    public required string Path { get; init; }

    /// <summary>When its newest line was written; null when it holds none.</summary>
    public DateTimeOffset? ModifiedAt { get; init; }
}

/// <summary>Source-generated JSON for the workload and log operations (snake_case, as <see cref="AgentJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WorkloadArgs))]
[JsonSerializable(typeof(WorkloadSpec))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(WorkloadInfo))]
[JsonSerializable(typeof(WorkloadListResult))]
[JsonSerializable(typeof(WorkloadStatsResult))]
[JsonSerializable(typeof(LogArgs))]
[JsonSerializable(typeof(LogEvent))]
[JsonSerializable(typeof(LogReadResult))]
[JsonSerializable(typeof(LogConfig))]
public sealed partial class AgentWorkloadJsonContext : JsonSerializerContext
{
}
