using System.Text.Json;
using System.Text.RegularExpressions;
using Hearth.Protocol.Workloads;
using Hearth.Server.Validation;

namespace Hearth.Server.Workloads;

/// <summary>
/// The fields a workload body may carry, each read with its Oblien aliases and checked, as a
/// <see cref="WorkloadPatch"/> (null where the body does not give one) plus the id. Shared by
/// create (the patch applied to the defaults) and change, so both accept exactly the same forms.
/// </summary>
internal static partial class WorkloadFields
{
    private const int MaxPathLength = 4096;
    private const int MaxUserLength = 255;
    private const int MaxMapEntries = 64;
    private const int MaxMapKeyLength = 253;
    private const int MaxMapValueLength = 4096;

    /// <summary>
    /// Reads every field of <paramref name="body"/>; problems are reported as <paramref name="prefix"/> + the
    /// field's name as sent. <c>CmdGiven</c>: the body has <c>cmd</c> or <c>command</c> (it may still be bad, and reported).
    /// </summary>
    public static (WorkloadPatch Fields, string? Id, bool CmdGiven) Read(FieldReader reader, JsonElement body, string prefix)
    {
        var (cmdName, cmdValue) = FieldReader.Property(body, "cmd") is { } c ? ("cmd", c)
            : FieldReader.Property(body, "command") is { } command ? ("command", command) : ("cmd", default(JsonElement?));
        var restartName = FieldReader.Property(body, "restart_policy") is not null ? "restart_policy" : "restart";
        CheckTarget(reader, body, prefix);
        if (FieldReader.Property(body, "log_path") is not null)
            reader.Add(prefix + "log_path", "cannot be set: a workload's log lives at /var/log/hearth/workloads/<id> in the workspace (read it with .../logs)");

        var id = ReadName(reader, body, "id", prefix);
        var fields = new WorkloadPatch
        {
            Name = ReadName(reader, body, "name", prefix),
            Cmd = CommandReader.Read(reader, cmdValue, prefix + cmdName, WorkloadLimits.MaxCmdArguments),
            Env = EnvReader.Read(reader, FieldReader.Property(body, "env"), prefix + "env", WorkloadLimits.MaxEnvEntries),
            WorkingDir = WorkingDirectory(reader, body, prefix + "working_dir"),
            User = UserSpec(reader, body, prefix + "user"),
            RestartPolicy = reader.OneOf(body, restartName, prefix + restartName, [.. WorkloadRestartPolicy.All]),
            MaxRestarts = reader.Integer(body, "max_restarts", prefix + "max_restarts", 0, 10_000),
            RestartDelay = Delay(reader, body, prefix + "restart_delay"),
            RestartBackoff = reader.Boolean(body, "restart_backoff", prefix + "restart_backoff"),
            AutoStart = reader.Boolean(body, "auto_start", prefix + "auto_start"),
            Enabled = reader.Boolean(body, "enabled", prefix + "enabled"),
            KeepLogs = reader.Boolean(body, "keep_logs", prefix + "keep_logs"),
            MaxLogSizeMb = reader.Integer(body, "max_log_size_mb", prefix + "max_log_size_mb", 1, WorkloadLimits.MaxLogSizeMb),
            LogRetentionHours = reader.Integer(body, "log_retention_hours", prefix + "log_retention_hours", 0, WorkloadLimits.MaxLogRetentionHours),
            Labels = StringMap(reader, body, "labels", prefix),
            Annotations = StringMap(reader, body, "annotations", prefix),
            VmOnExit = VmOnExitValue(reader, body, prefix + "vm_on_exit"),
        };
        return (fields, id, cmdValue is not null);
    }

    private static string? ReadName(FieldReader reader, JsonElement body, string key, string prefix)
    {
        var text = reader.String(body, key, prefix + key, 63);
        if (text is null || NamePattern().IsMatch(text)) return text;
        reader.Add(prefix + key, "must be 1-63 letters, digits, '.', '_' and '-', starting with a letter or digit");
        return null;
    }

    private static string? WorkingDirectory(FieldReader reader, JsonElement body, string field)
    {
        var text = reader.String(body, "working_dir", field, MaxPathLength);
        if (text is null) return null;
        if (!text.StartsWith('/')) reader.Add(field, $"must be an absolute path, not '{text}'");
        else if (text.Contains('\0', StringComparison.Ordinal)) reader.Add(field, "cannot contain NUL");
        else return text;
        return null;
    }

    /// <summary><c>name</c>, <c>uid</c>, <c>name:group</c> or <c>uid:gid</c>; resolved by the agent in the workspace's own files.</summary>
    private static string? UserSpec(FieldReader reader, JsonElement body, string field)
    {
        var text = reader.String(body, "user", field, MaxUserLength);
        if (text is null) return null;
        var parts = text.Split(':');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0 || p.Contains('\0', StringComparison.Ordinal)))
        {
            reader.Add(field, "must be a user name or uid, optionally followed by ':' and a group name or gid");
            return null;
        }
        return text;
    }

    private static double? Delay(FieldReader reader, JsonElement body, string field)
    {
        if (FieldReader.Property(body, "restart_delay") is not { } value) return null;
        double? seconds = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.String => Durations.ParseDelaySeconds(value.GetString()!),
            _ => null,
        };
        if (seconds is { } s && s >= 0 && s <= WorkloadLimits.MaxRestartDelaySeconds) return s;
        reader.Add(field, $"must be seconds from 0 to {WorkloadLimits.MaxRestartDelaySeconds} or a duration such as \"500ms\" or \"2s\"");
        return null;
    }

    private static Dictionary<string, string>? StringMap(FieldReader reader, JsonElement body, string key, string prefix)
    {
        var field = prefix + key;
        if (reader.Object(body, key, field) is not { } map) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in map.EnumerateObject())
        {
            if (p.Name.Length is 0 or > MaxMapKeyLength) reader.Add(field, $"keys must be 1-{MaxMapKeyLength} characters");
            else if (p.Value.ValueKind != JsonValueKind.String) reader.Add($"{field}.{p.Name}", "must be a string");
            else if (p.Value.GetString()!.Length > MaxMapValueLength) reader.Add($"{field}.{p.Name}", $"must be at most {MaxMapValueLength} characters");
            else result[p.Name] = p.Value.GetString()!;
        }
        if (result.Count > MaxMapEntries) reader.Add(field, $"at most {MaxMapEntries} entries");
        return result;
    }

    private static string? VmOnExitValue(FieldReader reader, JsonElement body, string field)
    {
        var text = reader.String(body, "vm_on_exit", field);
        switch (text)
        {
            case null or "" or "stop" or "exit":
                return text;
            case "pause":
                reader.Add(field, "\"pause\" is not supported: a workspace cannot pause itself (use \"stop\", \"exit\" or \"\")");
                return null;
            default:
                reader.Add(field, $"must be \"\", \"stop\" or \"exit\", not '{text}'");
                return null;
        }
    }

    /// <summary>Oblien's runtime targets; Hearth has one runtime, so only its names are accepted.</summary>
    private static void CheckTarget(FieldReader reader, JsonElement body, string prefix)
    {
        var target = reader.String(body, "target", prefix + "target");
        if (target is not (null or "" or "default"))
            reader.Add(prefix + "target", $"unknown target '{target}': Hearth runs workloads only in the workspace itself (omit target, or \"default\")");
    }

    [GeneratedRegex(WorkloadSize.NamePattern)]
    private static partial Regex NamePattern();
}
