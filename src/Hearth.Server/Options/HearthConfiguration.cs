namespace Hearth.Server.Options;

/// <summary>Builds <see cref="HearthOptions"/> from the settings file, HEARTH_* variables and flags.</summary>
internal static class HearthConfiguration
{
    /// <summary>Every flag hearthd takes; each maps to the settings key of the same words.</summary>
    public static readonly string[] Keys =
    [
        "config", "data_dir", "api_listen", "runtime_listen", "edge_http_listen", "edge_https_listen", "ssh_listen",
        "images_dir", "disk_pool_dir", "agent_path", "apt_mirror", "prebuild_images", "stop_grace_seconds",
        "pids_limit", "uid_base", "crun_path", "max_workspaces", "log_level",
        "network_pool", "network_namespace", "network_uplink", "dns_upstreams",
        "image_aliases", "registry_credentials", "insecure_registries",
    ];

    public static (HearthOptions Options, IConfiguration Raw) Load(string[] args, IDictionary<string, string?>? environment = null)
    {
        var env = environment ?? Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
        var fromEnv = env.Where(e => e.Key.StartsWith("HEARTH_", StringComparison.Ordinal))
            .ToDictionary(e => e.Key["HEARTH_".Length..].ToLowerInvariant(), e => e.Value);
        var switches = Keys.ToDictionary(k => "--" + k.Replace('_', '-'), k => k);
        // Option names start with "--"; a leading "-" on anything else (other than a number,
        // which is a value such as "-1") is a mistyped option.
        foreach (var arg in args.Where(a => a.StartsWith('-') && !double.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            var name = arg.Split('=')[0];
            if (!switches.ContainsKey(name))
                throw new OptionsException($"unknown option {name}; known: {string.Join(", ", switches.Keys)}");
        }
        var fromFlags = new ConfigurationBuilder().AddCommandLine(args, switches).Build();

        var settingsFile = fromFlags["config"] ?? Get(fromEnv, "config") ?? "/etc/hearth/hearth.json";
        var builder = new ConfigurationBuilder();
        if (File.Exists(settingsFile))
            builder.AddJsonFile(settingsFile, optional: false);
        else if (fromFlags["config"] is not null || Get(fromEnv, "config") is not null)
            throw new OptionsException($"settings file {settingsFile} does not exist");
        var raw = builder
            .AddInMemoryCollection(fromEnv)
            .AddCommandLine(args, switches)
            .Build();

        var dataDir = Path.GetFullPath(raw["data_dir"] ?? "/var/lib/hearth");
        var defaults = new HearthOptions
        {
            DataDir = dataDir,
            ImagesDir = "",
            DiskPoolDir = "",
            AgentPath = "",
        };
        var options = defaults with
        {
            ApiListen = raw["api_listen"] ?? defaults.ApiListen,
            RuntimeListen = raw["runtime_listen"] ?? defaults.RuntimeListen,
            EdgeHttpListen = raw["edge_http_listen"] ?? defaults.EdgeHttpListen,
            EdgeHttpsListen = raw["edge_https_listen"] ?? defaults.EdgeHttpsListen,
            SshListen = raw["ssh_listen"] ?? defaults.SshListen,
            ImagesDir = Path.GetFullPath(raw["images_dir"] ?? Path.Combine(dataDir, "images")),
            DiskPoolDir = Path.GetFullPath(raw["disk_pool_dir"] ?? Path.Combine(dataDir, "disks")),
            AgentPath = Path.GetFullPath(raw["agent_path"] ?? Path.Combine(AppContext.BaseDirectory, "hearth-agent")),
            AptMirror = raw["apt_mirror"],
            CrunPath = raw["crun_path"] ?? defaults.CrunPath,
            PrebuildImages = raw["prebuild_images"] is { } list
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : defaults.PrebuildImages,
            StopGrace = TimeSpan.FromSeconds(Number(raw, "stop_grace_seconds", defaults.StopGrace.TotalSeconds, 0, 3600)),
            PidsLimit = (int)Number(raw, "pids_limit", defaults.PidsLimit, 16, 1 << 22),
            UidBase = (long)Number(raw, "uid_base", defaults.UidBase, Hearth.Runtime.WorkspaceSpec.UidRangeSize, uint.MaxValue),
            MaxWorkspaces = (int)Number(raw, "max_workspaces", defaults.MaxWorkspaces, 1, 30000),
            LogLevel = raw["log_level"] is { } level
                ? Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
                    : throw new OptionsException($"log_level must be trace, debug, information, warning or error, not '{level}'")
                : defaults.LogLevel,
            NetworkPool = raw["network_pool"] is { } pool ? ParsePool(pool) : defaults.NetworkPool,
            NetworkNamespace = Empty(raw["network_namespace"]),
            NetworkUplink = Empty(raw["network_uplink"]) is { } uplink ? ParseInterface(uplink) : null,
            DnsUpstreams = raw["dns_upstreams"] is { } upstreams
                ? upstreams.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseUpstream).ToList()
                : defaults.DnsUpstreams,
            ImageAliases = Pairs(raw["image_aliases"], "image_aliases", "python-3.12=python-3.13"),
            RegistryCredentials = Pairs(raw["registry_credentials"], "registry_credentials", "127.0.0.1:5000=user:password")
                .ToDictionary(p => p.Key, p => p.Value.Split(':', 2) is [var user, var password] && user.Length > 0
                    ? (user, password)
                    : throw new OptionsException($"registry_credentials for {p.Key} must be user:password")),
            InsecureRegistries = (raw["insecure_registries"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(),
        };
        var catalogue = Hearth.Runtime.Images.Catalog.ImageCatalog.Images().Select(i => i.Name);
        if (Hearth.Runtime.Images.ImageStore.AliasProblem(options.ImageAliases, catalogue) is { } problem)
            throw new OptionsException($"image_aliases: {problem}");
        // Every workspace's range must fit in 32-bit uids.
        if (options.UidBase + options.MaxWorkspaces * Hearth.Runtime.WorkspaceSpec.UidRangeSize > uint.MaxValue)
            throw new OptionsException($"uid_base {options.UidBase} + max_workspaces {options.MaxWorkspaces} x {Hearth.Runtime.WorkspaceSpec.UidRangeSize} exceeds the 32-bit uid space");
        foreach (var (key, value) in new[] { ("api_listen", options.ApiListen), ("runtime_listen", options.RuntimeListen) })
            _ = ListenAddress.Parse(key, value);
        return (options, raw);
    }

    /// <summary>"a=b,c=d" as a map; every entry must have both sides.</summary>
    private static Dictionary<string, string> Pairs(string? text, string key, string example)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == entry.Length - 1)
                throw new OptionsException($"{key} takes name=value pairs separated by commas, such as {example}, not '{entry}'");
            pairs[entry[..equals].Trim()] = entry[(equals + 1)..].Trim();
        }
        return pairs;
    }

    private static string? Get(Dictionary<string, string?> values, string key) => values.GetValueOrDefault(key);

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>An IPv4 CIDR of /8 to /28 given as its network address ("10.88.0.0/16").</summary>
    private static System.Net.IPNetwork ParsePool(string text)
    {
        if (!System.Net.IPNetwork.TryParse(text, out var pool) || pool.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || pool.PrefixLength is < 8 or > 28 || pool.ToString() != text.Trim())
            throw new OptionsException($"network_pool must be an IPv4 network of /8 to /28 such as 10.88.0.0/16, not '{text}'");
        foreach (var reserved in new[] { "0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3" }.Select(System.Net.IPNetwork.Parse))
        {
            if (reserved.Contains(pool.BaseAddress) || pool.Contains(reserved.BaseAddress))
                throw new OptionsException($"network_pool {text} overlaps {reserved}, which workspaces never reach; use a private range such as 10.88.0.0/16");
        }
        return pool;
    }

    /// <summary>A Linux interface name (it goes into the nftables table as text).</summary>
    private static string ParseInterface(string name) =>
        name.Length <= 15 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? name
            : throw new OptionsException($"network_uplink must be an interface name (letters, digits, '-', '_', '.', at most 15), not '{name}'");

    /// <summary>"192.0.2.53" or "192.0.2.53:5353".</summary>
    private static System.Net.IPEndPoint ParseUpstream(string text)
    {
        if (System.Net.IPAddress.TryParse(text, out var address)) return new System.Net.IPEndPoint(address, 53);
        if (System.Net.IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0) return endpoint;
        throw new OptionsException($"dns_upstreams takes addresses such as 192.0.2.53 or 192.0.2.53:5353, not '{text}'");
    }

    private static double Number(IConfiguration raw, string key, double fallback, double min, double max)
    {
        var text = raw[key];
        if (text is null) return fallback;
        if (!double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new OptionsException($"{key} must be a number between {min} and {max}, not '{text}'");
        return value;
    }
}

/// <summary>A setting that cannot be used; hearthd prints it and exits.</summary>
internal sealed class OptionsException(string message) : Exception(message);
