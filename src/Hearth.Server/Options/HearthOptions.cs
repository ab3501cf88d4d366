namespace Hearth.Server.Options;

/// <summary>
/// hearthd's settings. Each has a snake_case key used alike in the settings file
/// (<c>"data_dir"</c>), the environment (<c>HEARTH_DATA_DIR</c>) and a flag (<c>--data-dir</c>);
/// flags win over the environment, which wins over the file.
/// </summary>
internal sealed record HearthOptions
{
    public required string DataDir { get; init; }
    public string ApiListen { get; init; } = "127.0.0.1:7070";
    /// <summary>Runtime gateway; accepted now, served once the runtime API exists.</summary>
    public string RuntimeListen { get; init; } = "127.0.0.1:7071";
    public string EdgeHttpListen { get; init; } = "0.0.0.0:8080";
    public string EdgeHttpsListen { get; init; } = "0.0.0.0:8443";
    public string SshListen { get; init; } = "0.0.0.0:2222";
    /// <summary>The image cache; may be shared by several instances (tests share one).</summary>
    public required string ImagesDir { get; init; }
    /// <summary>The pool directory holding every workspace disk image.</summary>
    public required string DiskPoolDir { get; init; }
    public required string AgentPath { get; init; }
    /// <summary>Debian mirror for image builds; by default the one in the host's apt sources.</summary>
    public string? AptMirror { get; init; }
    /// <summary>Images built in the background at start, so the first create does not wait: by default the use cases' ones.</summary>
    public IReadOnlyList<string> PrebuildImages { get; init; } = ["busybox", "debian-12", "node-20", "python-3.13", "postgres-16"];
    /// <summary>Operator aliases, alias name to image name (e.g. python-3.12 -> python-3.13); listed as such in the catalogue.</summary>
    public IReadOnlyDictionary<string, string> ImageAliases { get; init; } = new Dictionary<string, string>();
    /// <summary>Credentials per registry host[:port], for registry pulls.</summary>
    public IReadOnlyDictionary<string, (string User, string Password)> RegistryCredentials { get; init; } = new Dictionary<string, (string, string)>();
    /// <summary>Registries spoken to over plain http (loopback ones always are).</summary>
    public IReadOnlySet<string> InsecureRegistries { get; init; } = new HashSet<string>();
    /// <summary>The OCI runtime binary (crun 1.8 or later).</summary>
    public string CrunPath { get; init; } = "crun";
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);
    public int PidsLimit { get; init; } = 1024;
    /// <summary>First host uid of workspace ranges; workspace slot N gets [base + N*65536, +65536).</summary>
    public long UidBase { get; init; } = 100_000_000;
    public int MaxWorkspaces { get; init; } = 1000;
    /// <summary>Minimum level of hearthd's log: trace, debug, information, warning, error.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    public int DefaultCpus { get; init; } = 1;
    public int DefaultMemoryMb { get; init; } = 512;
    public int DefaultDiskSizeMb { get; init; } = 1024;
    /// <summary>Workspace addresses; the first is the host's gateway and DNS resolver.</summary>
    public System.Net.IPNetwork NetworkPool { get; init; } = System.Net.IPNetwork.Parse("10.88.0.0/16");
    /// <summary>A network namespace (name under /run/netns, or a path) for the host side of the workspaces' network; null: the host's own.</summary>
    public string? NetworkNamespace { get; init; }
    /// <summary>The interface workspaces reach the internet by; null: any interface that is not a workspace's.</summary>
    public string? NetworkUplink { get; init; }
    /// <summary>Resolvers the workspace DNS forwards to; empty: the nameservers of /etc/resolv.conf.</summary>
    public IReadOnlyList<System.Net.IPEndPoint> DnsUpstreams { get; init; } = [];
}
