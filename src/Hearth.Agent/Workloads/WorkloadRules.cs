using System.Text.RegularExpressions;
using Hearth.Agent.Server.Operations;
using Hearth.Protocol.Workloads;

namespace Hearth.Agent.Workloads;

/// <summary>
/// What a definition must satisfy. hearthd checks requests field by field with messages for
/// people; the agent checks again, briefly, because the definition is what it will run and keep.
/// </summary>
internal static partial class WorkloadRules
{
    [GeneratedRegex(WorkloadSize.NamePattern)]
    public static partial Regex NamePattern();

    /// <summary>Throws <c>bad_request</c> naming the first problem.</summary>
    public static void Check(WorkloadSpec spec)
    {
        string? problem = null;
        if (!NamePattern().IsMatch(spec.Name)) problem = "name: 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit";
        else if (spec.Id is { } id && !NamePattern().IsMatch(id)) problem = "id: 1-63 letters, digits, '.', '_' or '-'";
        else if (spec.Cmd is not { Count: > 0 } || spec.Cmd[0].Length == 0) problem = "cmd: must name a program";
        else if (spec.Cmd.Count > WorkloadLimits.MaxCmdArguments) problem = $"cmd: at most {WorkloadLimits.MaxCmdArguments} arguments";
        else if (spec.Cmd.Any(a => a.Contains('\0'))) problem = "cmd: NUL in an argument";
        else if (spec.Env is { } env && (env.Count > WorkloadLimits.MaxEnvEntries || env.Any(e => e.Key.Length == 0 || e.Key.Contains('=') || e.Key.Contains('\0') || e.Value.Contains('\0'))))
            problem = "env: names must be non-empty without '=', and nothing may contain NUL";
        else if (spec.WorkingDir is { } dir && !dir.StartsWith('/')) problem = "working_dir: must be absolute";
        else if (spec.User is { Length: 0 }) problem = "user: must not be empty";
        else if (!WorkloadRestartPolicy.All.Contains(spec.RestartPolicy)) problem = $"restart_policy: one of {string.Join(", ", WorkloadRestartPolicy.All)}";
        else if (spec.MaxRestarts < 0) problem = "max_restarts: must not be negative";
        else if (spec.RestartDelay is < 0 or > WorkloadLimits.MaxRestartDelaySeconds || double.IsNaN(spec.RestartDelay))
            problem = $"restart_delay: 0-{WorkloadLimits.MaxRestartDelaySeconds} seconds";
        else if (spec.MaxLogSizeMb is < 1 or > WorkloadLimits.MaxLogSizeMb) problem = $"max_log_size_mb: 1-{WorkloadLimits.MaxLogSizeMb}";
        else if (spec.LogRetentionHours is < 0 or > WorkloadLimits.MaxLogRetentionHours) problem = $"log_retention_hours: 0-{WorkloadLimits.MaxLogRetentionHours}";
        else if (spec.VmOnExit is not (null or "" or "stop" or "exit")) problem = "vm_on_exit: empty, stop or exit";
        if (problem is null && WorkloadSize.Problem(spec) is { } size) problem = $"{size.Field}: {size.Message}";
        if (problem is not null) throw new OperationException("bad_request", problem);
    }
}
