using Hearth.Server.Options;

namespace Hearth.Server.Tests.Options;

public sealed class HearthConfigurationTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>An environment that points at a settings file of ours, so the machine's /etc/hearth never leaks in.</summary>
    private Dictionary<string, string?> Env(string settingsJson = "{}", params (string Key, string Value)[] variables)
    {
        var env = new Dictionary<string, string?> { ["HEARTH_CONFIG"] = temp.Write("settings.json", settingsJson), ["PATH"] = "/usr/bin" };
        foreach (var (key, value) in variables) env[key] = value;
        return env;
    }

    private static HearthOptions Load(Dictionary<string, string?> env, params string[] args) => HearthConfiguration.Load(args, env).Options;

    [Fact]
    public void Defaults_derive_every_folder_from_the_data_dir()
    {
        var options = Load(Env(), "--data-dir", temp.Path + "/data");

        Assert.Equal(temp.Path + "/data", options.DataDir);
        Assert.Equal(temp.Path + "/data/images", options.ImagesDir);
        Assert.Equal(temp.Path + "/data/disks", options.DiskPoolDir);
        Assert.Equal("127.0.0.1:7070", options.ApiListen);
        Assert.Equal(1024, options.PidsLimit);
        Assert.Equal(100_000_000, options.UidBase);
        Assert.Equal(["busybox", "debian-12", "node-20", "python-3.13", "postgres-16"], options.PrebuildImages);
        Assert.Equal("crun", options.CrunPath);
        Assert.Empty(options.ImageAliases);
        Assert.Empty(options.RegistryCredentials);
    }

    [Fact]
    public void Flags_win_over_the_environment_which_wins_over_the_settings_file()
    {
        var settings = """{"api_listen":"127.0.0.1:1001","pids_limit":"100","stop_grace_seconds":"7","crun_path":"/file/crun"}""";
        var env = Env(settings, ("HEARTH_API_LISTEN", "127.0.0.1:1002"), ("HEARTH_PIDS_LIMIT", "200"));

        var fileOnly = Load(Env(settings));
        var fileAndEnv = Load(env);
        var all = Load(env, "--api-listen", "127.0.0.1:1003", "--pids-limit=300");

        Assert.Equal(("127.0.0.1:1001", 100, "/file/crun"), (fileOnly.ApiListen, fileOnly.PidsLimit, fileOnly.CrunPath));
        Assert.Equal(("127.0.0.1:1002", 200, "/file/crun"), (fileAndEnv.ApiListen, fileAndEnv.PidsLimit, fileAndEnv.CrunPath));
        Assert.Equal(("127.0.0.1:1003", 300, "/file/crun"), (all.ApiListen, all.PidsLimit, all.CrunPath));
        Assert.Equal(TimeSpan.FromSeconds(7), all.StopGrace); // untouched by env and flags: still the file's
    }

    [Fact]
    public void Settings_file_keys_accept_json_numbers()
    {
        var options = Load(Env("""{"pids_limit":64,"max_workspaces":5}"""));

        Assert.Equal((64, 5), (options.PidsLimit, options.MaxWorkspaces));
    }

    [Fact]
    public void The_config_flag_wins_over_HEARTH_CONFIG()
    {
        var flagged = temp.Write("flag.json", """{"pids_limit":"77"}""");

        var options = Load(Env("""{"pids_limit":"66"}"""), "--config", flagged);

        Assert.Equal(77, options.PidsLimit);
    }

    [Fact]
    public void A_named_settings_file_that_does_not_exist_is_an_error()
    {
        var error = Assert.Throws<OptionsException>(() => Load(Env(), "--config", temp.Path + "/missing.json"));

        Assert.Contains("missing.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Variables_without_the_HEARTH_prefix_are_ignored()
    {
        var options = Load(Env("{}", ("PIDS_LIMIT", "99"), ("hearth_pids_limit", "98")));

        Assert.Equal(1024, options.PidsLimit);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--data-dir-typo=/x")]
    [InlineData("-d")]
    public void An_unknown_flag_is_an_error_naming_it(string flag)
    {
        var error = Assert.Throws<OptionsException>(() => Load(Env(), flag, "x"));

        Assert.Contains(flag.Split('=')[0], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--pids-limit", "abc", "pids_limit")]
    [InlineData("--pids-limit", "8", "pids_limit")]
    [InlineData("--stop-grace-seconds=-1", "", "stop_grace_seconds")]
    [InlineData("--stop-grace-seconds", "3601", "stop_grace_seconds")]
    [InlineData("--max-workspaces", "0", "max_workspaces")]
    [InlineData("--uid-base", "12", "uid_base")]
    [InlineData("--log-level", "loud", "log_level")]
    [InlineData("--api-listen", "7070", "api_listen")]
    [InlineData("--runtime-listen", "127.0.0.1:99999", "runtime_listen")]
    [InlineData("--network-pool", "10.88.0.5/16", "network_pool")]
    [InlineData("--network-pool", "10.0.0.0/30", "network_pool")]
    [InlineData("--network-pool", "169.254.0.0/16", "network_pool")]
    [InlineData("--network-pool", "fd00::/64", "network_pool")]
    [InlineData("--network-uplink", "eth0\" accept", "network_uplink")]
    [InlineData("--dns-upstreams", "resolver.example", "dns_upstreams")]
    public void A_bad_value_is_an_error_naming_the_setting(string flag, string value, string key)
    {
        var error = Assert.Throws<OptionsException>(() => Load(Env(), value.Length == 0 ? [flag] : [flag, value]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_number_from_the_environment_is_an_error_too()
    {
        var error = Assert.Throws<OptionsException>(() => Load(Env("{}", ("HEARTH_PIDS_LIMIT", "lots"))));

        Assert.Contains("pids_limit", error.Message, StringComparison.Ordinal);
        Assert.Contains("lots", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Uid_ranges_that_would_pass_the_32_bit_uid_space_are_refused()
    {
        Assert.Throws<OptionsException>(() => Load(Env(), "--uid-base", "4294000000", "--max-workspaces", "1000"));

        var fits = Load(Env(), "--uid-base", "4000000000", "--max-workspaces", "4000");
        Assert.Equal(4_000_000_000, fits.UidBase);
    }

    [Fact]
    public void Image_aliases_and_registry_credentials_are_pairs_and_a_malformed_one_names_its_setting()
    {
        var options = Load(Env(), "--image-aliases", "python-3.12=python-3.13, py=python-3.11",
            "--registry-credentials", "127.0.0.1:5000=ci:s3cr:et", "--insecure-registries", "reg.lan:5000");

        Assert.Equal("python-3.13", options.ImageAliases["python-3.12"]);
        Assert.Equal("python-3.11", options.ImageAliases["py"]);
        Assert.Equal(("ci", "s3cr:et"), options.RegistryCredentials["127.0.0.1:5000"]);
        Assert.Contains("reg.lan:5000", options.InsecureRegistries);
        Assert.Contains("image_aliases", Assert.Throws<OptionsException>(() => Load(Env(), "--image-aliases", "python-3.12")).Message, StringComparison.Ordinal);
        Assert.Contains("registry_credentials", Assert.Throws<OptionsException>(() => Load(Env(), "--registry-credentials", "h:1=nopassword")).Message, StringComparison.Ordinal);
        Assert.Contains("catalogue image", Assert.Throws<OptionsException>(() => Load(Env(), "--image-aliases", "node-20=node-22")).Message, StringComparison.Ordinal);
        Assert.Contains("points at the alias", Assert.Throws<OptionsException>(() => Load(Env(), "--image-aliases", "a=b,b=node-20")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prebuild_images_is_a_comma_separated_list()
    {
        var options = Load(Env(), "--prebuild-images", " busybox , debian-12,,");

        Assert.Equal(["busybox", "debian-12"], options.PrebuildImages);
    }

    [Fact]
    public void Listeners_that_do_not_exist_yet_are_accepted()
    {
        var options = Load(Env(), "--edge-http-listen", "0.0.0.0:18080", "--edge-https-listen", "0.0.0.0:18443", "--ssh-listen", ":12222",
            "--runtime-listen", "127.0.0.1:17071");

        Assert.Equal(("0.0.0.0:18080", "0.0.0.0:18443", ":12222", "127.0.0.1:17071"),
            (options.EdgeHttpListen, options.EdgeHttpsListen, options.SshListen, options.RuntimeListen));
    }
}
