using System.Text.Json;
using Hearth.Protocol.Workloads;
using Hearth.Server.Api;
using Hearth.Server.Validation;

namespace Hearth.Server.Workloads;

/// <summary>
/// Reads a workload's definition in the Oblien forms (<c>POST .../workloads</c>, each entry of a
/// workspace's <c>config.workloads</c>) and its changes (<c>PUT</c>/<c>PATCH</c>): the aliases
/// become one <see cref="WorkloadSpec"/>, every bad field is reported, unknown keys are ignored.
/// The agent checks again what only it can (a program, a user, a working directory that exists).
/// </summary>
internal static class WorkloadRequestParser
{
    /// <summary>A create body; throws 400 naming every bad field.</summary>
    public static WorkloadSpec ParseCreate(JsonElement body)
    {
        var reader = new FieldReader();
        var spec = ReadSpec(reader, body, "", WorkloadOrigins.Api);
        if (reader.Errors.Count > 0 || spec is null) throw ApiException.Invalid(reader.Errors);
        return spec;
    }

    /// <summary>A <c>PUT</c>/<c>PATCH</c> body: only what it names changes; throws 400 naming every bad field.</summary>
    public static WorkloadPatch ParsePatch(JsonElement body)
    {
        var reader = new FieldReader();
        var (fields, _, _) = WorkloadFields.Read(reader, body, "");
        if (reader.Errors.Count > 0) throw ApiException.Invalid(reader.Errors);
        return fields;
    }

    /// <summary>
    /// A workspace's <c>config.workloads</c> (an array of create bodies), each field reported as
    /// <c>config.workloads[i].field</c>; names and ids must differ from each other's, since the
    /// agent would refuse the second one after the workspace was made.
    /// </summary>
    public static IReadOnlyList<WorkloadSpec> ParseConfig(FieldReader reader, JsonElement config)
    {
        if (FieldReader.Property(config, "workloads") is not { } value) return [];
        if (value.ValueKind != JsonValueKind.Array)
        {
            reader.Add("config.workloads", "must be an array of workload definitions");
            return [];
        }
        if (value.GetArrayLength() > WorkloadLimits.MaxWorkloads)
        {
            reader.Add("config.workloads", $"at most {WorkloadLimits.MaxWorkloads} workloads");
            return [];
        }

        var specs = new List<WorkloadSpec>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var prefix = $"config.workloads[{i++}].";
            if (item.ValueKind != JsonValueKind.Object)
            {
                reader.Add(prefix.TrimEnd('.'), "must be an object");
                continue;
            }
            if (ReadSpec(reader, item, prefix, WorkloadOrigins.Config) is not { } spec) continue;
            if (!taken.Add(spec.Name)) reader.Add(prefix + "name", $"'{spec.Name}' is used by another workload of config.workloads");
            else if (spec.Id != spec.Name && !taken.Add(spec.Id!)) reader.Add(prefix + "id", $"'{spec.Id}' is used by another workload of config.workloads");
            else specs.Add(spec);
        }
        return specs;
    }

    /// <summary>One definition, or null when a required field is missing or bad (reported).</summary>
    private static WorkloadSpec? ReadSpec(FieldReader reader, JsonElement body, string prefix, string origin)
    {
        var (fields, givenId, cmdGiven) = WorkloadFields.Read(reader, body, prefix);
        if (fields.Cmd is not { } cmd)
        {
            if (!cmdGiven) reader.Add(prefix + "cmd", "is required (an argv array or a shell command string; alias command)");
            return null;
        }
        // Without a name the workload is known by its id, which then is also its name.
        var id = givenId ?? WorkloadIds.New();
        var spec = fields.ApplyTo(new WorkloadSpec { Name = id, Cmd = cmd }) with { Id = id, Origin = origin };
        // Too large for the agent's frames (a patch is checked by the agent, against the result).
        if (WorkloadSize.Problem(spec) is { } size) reader.Add(prefix + size.Field, size.Message);
        return spec;
    }
}
