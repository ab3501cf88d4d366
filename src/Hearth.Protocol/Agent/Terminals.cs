using System.Text.Json.Serialization;

namespace Hearth.Protocol.Agent;

/// <summary>
/// The size of a pseudo-terminal: <c>spawn</c>'s <c>pty</c> field (run the process on a new
/// terminal of this size) and the <c>args</c> of <c>resize</c> on its running stream
/// (docs/design/runtime-terminals.md).
/// </summary>
public sealed record AgentPtySize
{
    /// <summary>The largest width or height accepted; a terminal's size is two 16-bit numbers, but nothing real is this big.</summary>
    public const int Max = 1000;

    /// <summary>Width in columns, 1 to <see cref="Max"/>.</summary>
    public int Cols { get; init; }

    /// <summary>Height in rows, 1 to <see cref="Max"/>.</summary>
    public int Rows { get; init; }

    /// <summary>Whether both dimensions are within 1 to <see cref="Max"/>.</summary>
    [JsonIgnore]
    public bool IsValid => Cols is >= 1 and <= Max && Rows is >= 1 and <= Max;
}

/// <summary>Source-generated JSON for the terminal records of the agent protocol (trim- and AOT-safe: the agent uses it).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentPtySize))]
public sealed partial class AgentTerminalsJsonContext : JsonSerializerContext
{
}
