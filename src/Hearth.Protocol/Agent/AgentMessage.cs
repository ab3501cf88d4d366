using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hearth.Protocol.Agent;

/// <summary>
/// A control message of the agent protocol: one flat record whose <see cref="Op"/> says which
/// of the other fields are set (docs/design/agent-protocol.md, "Control messages").
/// </summary>
public sealed record AgentMessage
{
    /// <summary>
    /// <c>hello</c>, <c>spawn</c>, <c>spawned</c>, <c>signal</c>, <c>exit</c>, <c>error</c>; an
    /// operation's name (<c>info</c>, <c>fs.stat</c>, ...) with its <see cref="Args"/>; and an
    /// operation's <c>event</c> and final <c>result</c>.
    /// </summary>
    public required string Op { get; init; }

    /// <summary><c>hello</c>: the highest protocol version hearthd speaks, or the one the agent chose.</summary>
    public int? Version { get; init; }

    /// <summary><c>hello</c> from the agent: its name and build.</summary>
    public string? Agent { get; init; }

    /// <summary><c>hello</c>: the agent's pid; <c>spawned</c>: the new process's pid (inside the workspace).</summary>
    public int? Pid { get; init; }

    /// <summary><c>spawn</c>: the program and its arguments; <c>argv[0]</c> is looked up in PATH.</summary>
    public IReadOnlyList<string>? Argv { get; init; }

    /// <summary><c>spawn</c>: variables set on top of the agent's own environment.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }

    /// <summary><c>spawn</c>: the working directory inside the workspace (default <c>/</c>).</summary>
    public string? Cwd { get; init; }

    /// <summary><c>spawn</c>: true to keep stdin open for <see cref="FrameKind.Stdin"/> frames; otherwise /dev/null.</summary>
    public bool? Stdin { get; init; }

    /// <summary>
    /// <c>spawn</c>: run the process on a new pseudo-terminal of this size, as the leader of a
    /// new session with the terminal as its controlling terminal; its output (stdout and stderr
    /// alike) comes as stdout frames and stdin frames are typed into the terminal.
    /// </summary>
    public AgentPtySize? Pty { get; init; }

    /// <summary><c>signal</c>: the signal number for the process group; <c>exit</c>: the signal that ended the process.</summary>
    public int? Signal { get; init; }

    /// <summary><c>exit</c>: the exit code, when the process exited normally.</summary>
    [JsonPropertyName("code")]
    public int? ExitCode { get; init; }

    /// <summary><c>error</c>: a machine code such as <c>spawn_failed</c> or <c>bad_request</c>.</summary>
    public string? Error { get; init; }

    /// <summary><c>error</c>: what went wrong, for a person.</summary>
    public string? Message { get; init; }

    /// <summary>An operation's request, or a control message on a running stream (<c>resize</c>): its arguments.</summary>
    public JsonElement? Args { get; init; }

    /// <summary><c>event</c> and <c>result</c>: what the operation reports.</summary>
    public JsonElement? Result { get; init; }
}

/// <summary>Source-generated JSON for the agent protocol (trim- and AOT-safe: the agent uses it).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentMessage))]
[JsonSerializable(typeof(Hearth.Protocol.Runtime.RuntimeInfo))]
public sealed partial class AgentJsonContext : JsonSerializerContext
{
}
