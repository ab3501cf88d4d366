using System.Text.Json;
using System.Text.RegularExpressions;
using Hearth.Protocol.Errors;
using Hearth.Protocol.Workspaces;
using Hearth.Server.Api;
using Hearth.Server.Images;
using Hearth.Server.Options;
using Hearth.Server.Validation;

namespace Hearth.Server.Workspaces;

/// <summary>
/// Parses <c>POST /workspace</c> leniently in form and strictly in value: it takes the documented
/// aliases (top-level or <c>config.</c> resources, <c>writable_size_mb</c>, env as
/// <c>["K=V"]</c>, <c>[{key,value}]</c> or <c>{K: V}</c>, <c>cmd</c> as argv or a shell string)
/// and rejects every out-of-range value, all of them in one answer.
/// </summary>
internal static partial class CreateRequestParser
{
    private static readonly string[] KnownConfigKeys =
        ["cpus", "memory_mb", "disk_size_mb", "writable_size_mb", "ttl", "ttl_action", "remove_on_exit",
         "restart_policy", "max_restarts", "env", "cmd", "allow_internet", "ingress", "ingress_ports", "egress",
         "private_link_ids", "public_access", "workloads"];

    public static CreateWorkspaceInput Parse(JsonElement body, HearthOptions options, IImageNames images)
    {
        var reader = new FieldReader();
        var config = reader.Object(body, "config", "config") ?? default;

        var image = reader.String(body, "image", "image", 512);
        var imageMissing = image is null && FieldReader.Property(body, "image") is null;
        if (imageMissing) reader.Add("image", "is required");

        var name = reader.String(body, "name", "name");
        var slug = reader.String(body, "slug", "slug", 128);
        if (slug is not null && !SlugPattern().IsMatch(slug))
            reader.Add("slug", "must be 3-128 lowercase letters, digits and hyphens, starting and ending with a letter or digit");
        var ns = reader.String(body, "namespace", "namespace", 63) ?? "default";
        if (!NamespacePattern().IsMatch(ns)) reader.Add("namespace", "must be letters, digits and hyphens");
        var idempotencyKey = reader.String(body, "idempotency_key", "idempotency_key");

        // Resources: config.* wins; top-level fields are the SDK's convenience form.
        int? Resource(string key, string field, int min, int max) =>
            reader.Integer(config, key, $"config.{field}", min, max) ?? reader.Integer(body, key, field, min, max);
        var cpus = Resource("cpus", "cpus", Limits.MinCpus, Limits.MaxCpus) ?? options.DefaultCpus;
        var memory = Resource("memory_mb", "memory_mb", Limits.MinMemoryMb, Limits.MaxMemoryMb) ?? options.DefaultMemoryMb;
        var disk = Resource("disk_size_mb", "disk_size_mb", Limits.MinDiskMb, Limits.MaxDiskMb)
            ?? Resource("writable_size_mb", "writable_size_mb", Limits.MinDiskMb, Limits.MaxDiskMb)
            ?? options.DefaultDiskSizeMb;

        var (ttl, ttlSeconds) = ParseTtl(reader, config, body);
        var ttlAction = reader.OneOf(config, "ttl_action", "config.ttl_action", "stop", "pause", "suspend", "remove");
        var removeOnExit = reader.Boolean(config, "remove_on_exit", "config.remove_on_exit") ?? false;
        var restartPolicy = reader.OneOf(config, "restart_policy", "config.restart_policy", [.. Hearth.Protocol.Workloads.WorkloadRestartPolicy.All]);
        var maxRestarts = reader.Integer(config, "max_restarts", "config.max_restarts", 0, 1_000_000);
        var env = EnvReader.Read(reader, FieldReader.Property(config, "env"), "config.env", Limits.MaxEnvEntries);
        var cmd = CommandReader.Read(reader, FieldReader.Property(config, "cmd"), "config.cmd");
        var workloads = Workloads.WorkloadRequestParser.ParseConfig(reader, config);
        var network = Network.NetworkRulesParser.Read(reader, config, "config.");
        // network_config is Oblien's other create-time form; config.allow_internet wins over it.
        var networkConfig = reader.Object(config, "network_config", "config.network_config") ?? default;
        var allowInternet = network.AllowInternet ?? reader.Boolean(networkConfig, "allow_internet", "config.network_config.allow_internet");
        var privateLinks = network.PrivateLinkIds
            ?? Network.NetworkRulesParser.PrivateLinks(reader, body, "");

        var mode = reader.OneOf(body, "mode", "mode", WorkspaceMode.Permanent, WorkspaceMode.Temporary)
            ?? (ttl is not null ? WorkspaceMode.Temporary : WorkspaceMode.Permanent);

        if (image is not null && !images.CanUse(image))
        {
            var available = images.Available();
            var why = images.WhyUnavailable(image) ?? $"unknown image '{image}'";
            throw new ApiException(400, ErrorCodes.InvalidImage,
                $"{why}; available: {string.Join(", ", available)}; or a registry reference host[:port]/name:tag")
            {
                Errors = [new FieldError { Field = "image", Message = "unknown image" }, .. reader.Errors],
                Available = available,
            };
        }
        if (reader.Errors.Count > 0) throw ApiException.Invalid(reader.Errors);

        var extras = config.ValueKind == JsonValueKind.Object
            ? config.EnumerateObject().Where(p => !KnownConfigKeys.Contains(p.Name)).ToDictionary(p => p.Name, p => p.Value.Clone())
            : null;
        return new CreateWorkspaceInput
        {
            Image = image!,
            Name = name,
            Slug = slug,
            Namespace = ns,
            Mode = mode,
            Cpus = cpus,
            MemoryMb = memory,
            DiskSizeMb = disk,
            Ttl = ttl,
            TtlSeconds = ttlSeconds,
            TtlAction = ttlAction,
            RemoveOnExit = removeOnExit,
            RestartPolicy = restartPolicy,
            IdempotencyKey = idempotencyKey,
            Workloads = workloads,
            Config = new WorkspaceConfig
            {
                Cpus = cpus,
                MemoryMb = memory,
                DiskSizeMb = disk,
                Ttl = ttl,
                TtlAction = ttlAction,
                RemoveOnExit = removeOnExit,
                RestartPolicy = restartPolicy,
                MaxRestarts = maxRestarts,
                Env = env,
                Cmd = cmd,
                AllowInternet = allowInternet,
                Ingress = network.Ingress,
                IngressPorts = network.IngressPorts,
                Egress = network.Egress,
                PrivateLinkIds = privateLinks,
                PublicAccess = network.PublicAccess,
                Extra = extras is { Count: > 0 } ? extras : null,
            },
        };
    }

    private static (string? Text, int? Seconds) ParseTtl(FieldReader reader, JsonElement config, JsonElement body)
    {
        var (value, field) = FieldReader.Property(config, "ttl") is { } c ? (c, "config.ttl")
            : FieldReader.Property(body, "ttl") is { } b ? (b, "ttl") : (default(JsonElement?), "ttl");
        if (value is not { } ttl) return (null, null);
        int? seconds = ttl.ValueKind switch
        {
            JsonValueKind.Number when ttl.TryGetInt32(out var n) && n is > 0 and <= Limits.MaxTtlSeconds => n,
            JsonValueKind.String => Durations.ParseSeconds(ttl.GetString()!) is { } s and <= Limits.MaxTtlSeconds ? s : null,
            _ => null,
        };
        if (seconds is null)
        {
            reader.Add(field, "must be a duration such as \"30m\", \"1h\", \"7d\" or a positive number of seconds (at most 365 days)");
            return (null, null);
        }
        return (ttl.ValueKind == JsonValueKind.String ? ttl.GetString() : seconds.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), seconds);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,126}[a-z0-9]$")]
    public static partial Regex SlugPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,62}$")]
    private static partial Regex NamespacePattern();
}
