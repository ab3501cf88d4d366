using System.Text.Json;
using Hearth.Protocol.Agent;

namespace Hearth.Protocol.Workloads;

/// <summary>
/// How large a definition may be once serialized: every answer about workloads is one agent
/// frame (at most 1 MiB), and a list carries up to <see cref="WorkloadLimits.MaxWorkloads"/> of
/// them without their <c>env</c>. hearthd refuses a larger request (400), the agent a larger
/// definition.
/// </summary>
public static class WorkloadSize
{
    /// <summary>The definition without <c>env</c> (cmd, labels, annotations, ...), as JSON: 64 of them fit in a list.</summary>
    public const int MaxBytesWithoutEnv = 12 * 1024;

    /// <summary><c>env</c> as JSON.</summary>
    public const int MaxEnvBytes = 96 * 1024;

    /// <summary>The 1-63 characters a name or an id may have (letters, digits, '.', '_', '-', not first).</summary>
    public const string NamePattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$";

    /// <summary>Null when <paramref name="spec"/> fits; else the field to name and why.</summary>
    public static (string Field, string Message)? Problem(WorkloadSpec spec)
    {
        var rest = JsonSerializer.SerializeToUtf8Bytes(spec with { Env = null }, AgentWorkloadJsonContext.Default.WorkloadSpec).Length;
        if (rest > MaxBytesWithoutEnv)
            return ("cmd", $"cmd, labels and annotations together take {rest} bytes as JSON; at most {MaxBytesWithoutEnv}");
        var env = spec.Env is null ? 0 : JsonSerializer.SerializeToUtf8Bytes(spec.Env, AgentWorkloadJsonContext.Default.IReadOnlyDictionaryStringString).Length;
        return env > MaxEnvBytes ? ("env", $"takes {env} bytes as JSON; at most {MaxEnvBytes}") : null;
    }
}
