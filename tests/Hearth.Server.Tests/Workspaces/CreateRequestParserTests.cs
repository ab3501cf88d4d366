using System.Text.Json;
using Hearth.Protocol.Errors;
using Hearth.Server.Api;
using Hearth.Server.Images;
using Hearth.Server.Options;
using Hearth.Server.Workspaces;

namespace Hearth.Server.Tests.Workspaces;

public sealed class CreateRequestParserTests
{
    private static readonly HearthOptions Options = new()
    {
        DataDir = "/var/lib/hearth",
        ImagesDir = "/var/lib/hearth/images",
        DiskPoolDir = "/var/lib/hearth/disks",
        AgentPath = "/opt/hearth/bin/hearth-agent",
    };

    private static readonly string[] Images = ["busybox", "debian-12"];

    private static CreateWorkspaceInput Parse(string json) => CreateRequestParser.Parse(JsonDocument.Parse(json).RootElement, Options, new FixedImages());

    /// <summary>Two catalogue names; a registry reference is always usable (pulled at create).</summary>
    private sealed class FixedImages : IImageNames
    {
        public bool CanUse(string name) => Images.Contains(name) || Hearth.Runtime.Images.ImageStore.NamesRegistry(name);

        public IReadOnlyList<string> Available() => Images;

        public string? WhyUnavailable(string name) => name == "python-3.12" ? "python-3.12 cannot be built here" : null;
    }

    private static ApiException Reject(string json) => Assert.Throws<ApiException>(() => Parse(json));

    private static List<string> Fields(ApiException e) => (e.Errors ?? []).Select(f => f.Field).ToList();

    [Fact]
    public void A_bare_create_gets_the_defaults()
    {
        var input = Parse("""{"image":"busybox"}""");

        Assert.Equal("busybox", input.Image);
        Assert.Equal((1, 512, 1024), (input.Cpus, input.MemoryMb, input.DiskSizeMb));
        Assert.Equal("permanent", input.Mode);
        Assert.Equal("default", input.Namespace);
        Assert.Null(input.Ttl);
        Assert.Null(input.TtlSeconds);
        Assert.Null(input.Config.Env);
        Assert.Null(input.Config.Cmd);
        Assert.Equal((1, 512, 1024), (input.Config.Cpus, input.Config.MemoryMb, input.Config.DiskSizeMb));
    }

    [Fact]
    public void Top_level_resources_are_the_sdk_convenience_form()
    {
        var input = Parse("""{"image":"busybox","cpus":2,"memory_mb":1024,"disk_size_mb":2048}""");

        Assert.Equal((2, 1024, 2048), (input.Cpus, input.MemoryMb, input.DiskSizeMb));
    }

    [Fact]
    public void Config_resources_win_over_top_level_ones()
    {
        var input = Parse("""{"image":"busybox","cpus":4,"memory_mb":4096,"config":{"cpus":2,"memory_mb":256}}""");

        Assert.Equal((2, 256), (input.Cpus, input.MemoryMb));
    }

    [Theory]
    [InlineData("""{"image":"busybox","config":{"writable_size_mb":700}}""", 700)]
    [InlineData("""{"image":"busybox","writable_size_mb":800}""", 800)]
    [InlineData("""{"image":"busybox","config":{"disk_size_mb":600,"writable_size_mb":700}}""", 600)]
    public void Writable_size_mb_is_an_alias_of_disk_size_mb(string json, int disk)
    {
        Assert.Equal(disk, Parse(json).DiskSizeMb);
    }

    [Fact]
    public void Numbers_given_as_strings_are_accepted()
    {
        var input = Parse("""{"image":"busybox","config":{"cpus":"3","memory_mb":"300"}}""");

        Assert.Equal((3, 300), (input.Cpus, input.MemoryMb));
    }

    [Theory]
    [InlineData("""["A=1","B=x=y","EMPTY="]""")]
    [InlineData("""[{"key":"A","value":"1"},{"key":"B","value":"x=y"},{"key":"EMPTY","value":""}]""")]
    [InlineData("""{"A":"1","B":"x=y","EMPTY":""}""")]
    public void Env_is_read_in_each_documented_form(string env)
    {
        var input = Parse($$$"""{"image":"busybox","config":{"env":{{{env}}}}}""");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y", ["EMPTY"] = "" }, input.Config.Env);
    }

    [Fact]
    public void Env_values_that_are_numbers_or_booleans_become_their_text()
    {
        var input = Parse("""{"image":"busybox","config":{"env":{"N":42,"T":true}}}""");
        var pairs = Parse("""{"image":"busybox","config":{"env":[{"key":"N","value":42}]}}""");

        Assert.Equal("42", input.Config.Env!["N"]);
        Assert.Equal("true", input.Config.Env!["T"]);
        Assert.Equal("42", pairs.Config.Env!["N"]);
    }

    [Theory]
    [InlineData("""{"env":["1A=x"]}""", "config.env[0]")]
    [InlineData("""{"env":["NOEQUALS"]}""", "config.env[0]")]
    [InlineData("""{"env":["=x"]}""", "config.env[0]")]
    [InlineData("""{"env":["OK=1",{"value":"no key"}]}""", "config.env[1]")]
    [InlineData("""{"env":{"BAD-NAME":"x"}}""", "config.env.BAD-NAME")]
    [InlineData("""{"env":{"A":{"nested":1}}}""", "config.env.A")]
    [InlineData("""{"env":"A=1"}""", "config.env")]
    public void Bad_env_entries_are_named(string config, string field)
    {
        var error = Reject($$$"""{"image":"busybox","config":{{{config}}}}""");

        Assert.Equal(400, error.Status);
        Assert.Equal(ErrorCodes.Validation, error.Code);
        Assert.Equal([field], Fields(error));
    }

    [Fact]
    public void A_cmd_string_runs_through_sh()
    {
        var input = Parse("""{"image":"busybox","config":{"cmd":"echo hi && sleep 1"}}""");

        Assert.Equal(["/bin/sh", "-c", "echo hi && sleep 1"], input.Config.Cmd);
    }

    [Fact]
    public void A_cmd_array_is_the_argv()
    {
        var input = Parse("""{"image":"busybox","config":{"cmd":["/bin/sleep","100"]}}""");

        Assert.Equal(["/bin/sleep", "100"], input.Config.Cmd);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("[]")]
    [InlineData("[\"/bin/sh\", 1]")]
    [InlineData("42")]
    [InlineData("{\"argv\":[\"x\"]}")]
    public void A_bad_cmd_is_named(string cmd)
    {
        var error = Reject($$$"""{"image":"busybox","config":{"cmd":{{{cmd}}}}}""");

        Assert.Equal(["config.cmd"], Fields(error));
    }

    [Theory]
    [InlineData("\"30m\"", "30m", 1800)]
    [InlineData("\"45s\"", "45s", 45)]
    [InlineData("\"1h\"", "1h", 3600)]
    [InlineData("\"7d\"", "7d", 604800)]
    [InlineData("\"90\"", "90", 90)]
    [InlineData("120", "120", 120)]
    public void Ttl_is_a_duration_string_or_seconds_and_makes_the_workspace_temporary(string ttl, string text, int seconds)
    {
        var input = Parse($$$"""{"image":"busybox","config":{"ttl":{{{ttl}}}}}""");

        Assert.Equal(text, input.Ttl);
        Assert.Equal(seconds, input.TtlSeconds);
        Assert.Equal(text, input.Config.Ttl);
        Assert.Equal("temporary", input.Mode);
    }

    [Fact]
    public void A_top_level_ttl_is_read_and_config_ttl_wins()
    {
        Assert.Equal(600, Parse("""{"image":"busybox","ttl":"10m"}""").TtlSeconds);
        Assert.Equal(60, Parse("""{"image":"busybox","ttl":"10m","config":{"ttl":"1m"}}""").TtlSeconds);
    }

    [Theory]
    [InlineData("\"soon\"")]
    [InlineData("\"\"")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("\"1.5h\"")]
    [InlineData("\"366d\"")]
    [InlineData("31622400")]
    [InlineData("true")]
    public void A_bad_ttl_is_named(string ttl)
    {
        var error = Reject($$$"""{"image":"busybox","config":{"ttl":{{{ttl}}}}}""");

        Assert.Equal(["config.ttl"], Fields(error));
    }

    [Theory]
    [InlineData("""{"image":"busybox","mode":"permanent","config":{"ttl":"30m"}}""", "permanent")]
    [InlineData("""{"image":"busybox","mode":"temporary"}""", "temporary")]
    [InlineData("""{"image":"busybox"}""", "permanent")]
    public void An_explicit_mode_wins_over_the_ttl_rule(string json, string mode)
    {
        Assert.Equal(mode, Parse(json).Mode);
    }

    [Fact]
    public void Every_invalid_field_is_reported_in_one_answer()
    {
        var error = Reject("""
            {
              "image": "busybox", "slug": "A!", "namespace": "bad namespace", "mode": "forever", "name": 7,
              "config": {
                "cpus": 0, "memory_mb": 64, "disk_size_mb": 1, "ttl": "soon", "ttl_action": "explode",
                "restart_policy": "sometimes", "max_restarts": -1, "remove_on_exit": "yes", "env": 5, "cmd": 3
              }
            }
            """);

        Assert.Equal(400, error.Status);
        Assert.Equal(ErrorCodes.Validation, error.Code);
        var expected = new[]
        {
            "slug", "namespace", "mode", "name", "config.cpus", "config.memory_mb", "config.disk_size_mb", "config.ttl",
            "config.ttl_action", "config.restart_policy", "config.max_restarts", "config.remove_on_exit", "config.env", "config.cmd",
        };
        Assert.Equal(expected.Order(), Fields(error).Order());
        foreach (var field in expected)
            Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpus", 0)]
    [InlineData("cpus", 33)]
    [InlineData("memory_mb", 127)]
    [InlineData("memory_mb", 65537)]
    [InlineData("disk_size_mb", 63)]
    [InlineData("disk_size_mb", 204801)]
    public void Resources_outside_their_range_are_named(string field, int value)
    {
        var error = Reject($$$"""{"image":"busybox","config":{"{{{field}}}":{{{value}}}}}""");

        Assert.Equal(["config." + field], Fields(error));
        Assert.Contains(value.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpus", 1)]
    [InlineData("cpus", 32)]
    [InlineData("memory_mb", 128)]
    [InlineData("memory_mb", 65536)]
    [InlineData("disk_size_mb", 64)]
    [InlineData("disk_size_mb", 204800)]
    public void The_range_ends_are_accepted(string field, int value)
    {
        var input = Parse($$$"""{"image":"busybox","config":{"{{{field}}}":{{{value}}}}}""");

        Assert.Equal(value, field switch { "cpus" => input.Cpus, "memory_mb" => input.MemoryMb, _ => input.DiskSizeMb });
    }

    [Fact]
    public void An_unknown_image_is_invalid_image_listing_the_images_and_other_errors_too()
    {
        var error = Reject("""{"image":"windows-95","config":{"cpus":99}}""");

        Assert.Equal(400, error.Status);
        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Equal(Images, error.Available);
        Assert.Equal(["image", "config.cpus"], Fields(error));
        Assert.Contains("windows-95", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_this_host_cannot_build_says_why_and_lists_the_images()
    {
        var error = Reject("""{"image":"python-3.12"}""");

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.StartsWith("python-3.12 cannot be built here; available: busybox, debian-12", error.Message, StringComparison.Ordinal);
        Assert.Equal(Images, error.Available);
    }

    [Fact]
    public void A_registry_reference_passes_the_parser_it_is_pulled_at_create()
    {
        Assert.Equal("127.0.0.1:5000/team/app:1", Parse("""{"image":"127.0.0.1:5000/team/app:1"}""").Image);
        Assert.Equal(ErrorCodes.InvalidImage, Reject("""{"image":"team/app:1"}""").Code);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"image":null}""")]
    [InlineData("""{"image":42}""")]
    public void The_image_is_required_and_a_string(string json)
    {
        var error = Reject(json);

        Assert.Equal(ErrorCodes.Validation, error.Code);
        Assert.Equal(["image"], Fields(error));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("-abc")]
    [InlineData("abc-")]
    [InlineData("ABC")]
    [InlineData("a_b_c")]
    public void A_bad_slug_is_named(string slug)
    {
        Assert.Equal(["slug"], Fields(Reject($$"""{"image":"busybox","slug":"{{slug}}"}""")));
    }

    [Fact]
    public void Name_slug_namespace_idempotency_key_and_unknown_config_keys_are_kept()
    {
        var input = Parse("""
            {"image":"debian-12","name":"My box","slug":"my-box","namespace":"team-a","idempotency_key":"k-1",
             "config":{"ttl_action":"stop","restart_policy":"always","max_restarts":3,"remove_on_exit":true,"gpu":{"count":0}}}
            """);

        Assert.Equal(("My box", "my-box", "team-a", "k-1"), (input.Name, input.Slug, input.Namespace, input.IdempotencyKey));
        Assert.Equal(("stop", "always", 3, true), (input.TtlAction, input.RestartPolicy, input.Config.MaxRestarts, input.RemoveOnExit));
        Assert.NotNull(input.Config.Extra);
        Assert.Equal(0, input.Config.Extra!["gpu"].GetProperty("count").GetInt32());
        Assert.DoesNotContain("ttl_action", input.Config.Extra.Keys);
    }

    [Fact]
    public void Config_workloads_are_parsed_each_as_a_workload_create_body_with_origin_config()
    {
        var input = Parse("""
            {"image":"busybox","config":{"workloads":[
                {"name":"web","command":"httpd -f","restart":"always","env":["PORT=80"]},
                {"cmd":["/bin/sleep","100"]}]}}
            """);

        Assert.Equal(2, input.Workloads.Count);
        Assert.Equal(("web", "always", "80", "config"), (input.Workloads[0].Name, input.Workloads[0].RestartPolicy, input.Workloads[0].Env!["PORT"], input.Workloads[0].Origin));
        Assert.Equal(["/bin/sh", "-c", "httpd -f"], input.Workloads[0].Cmd);
        Assert.Equal(input.Workloads[1].Id, input.Workloads[1].Name);
        Assert.Equal("config", input.Workloads[1].Origin);
        Assert.True(input.Config.Extra is null || !input.Config.Extra.ContainsKey("workloads"));
    }

    [Fact]
    public void Without_config_workloads_there_are_none()
    {
        Assert.Empty(Parse("""{"image":"busybox"}""").Workloads);
        Assert.Empty(Parse("""{"image":"busybox","config":{"workloads":[]}}""").Workloads);
    }

    [Theory]
    [InlineData("""{"workloads":{"name":"a"}}""", "config.workloads")]
    [InlineData("""{"workloads":[5]}""", "config.workloads[0]")]
    [InlineData("""{"workloads":[{"cmd":["a"]},{"name":"b"}]}""", "config.workloads[1].cmd")]
    [InlineData("""{"workloads":[{"cmd":["a"],"restart_policy":"sometimes"}]}""", "config.workloads[0].restart_policy")]
    [InlineData("""{"workloads":[{"cmd":["a"],"env":["NOEQUALS"]}]}""", "config.workloads[0].env[0]")]
    [InlineData("""{"workloads":[{"cmd":["a"],"vm_on_exit":"pause"}]}""", "config.workloads[0].vm_on_exit")]
    [InlineData("""{"workloads":[{"cmd":["a"],"name":"x"},{"cmd":["b"],"name":"x"}]}""", "config.workloads[1].name")]
    [InlineData("""{"workloads":[{"cmd":["a"],"id":"x","name":"one"},{"cmd":["b"],"name":"x"}]}""", "config.workloads[1].name")]
    [InlineData("""{"workloads":[{"cmd":["a"],"name":"x"},{"cmd":["b"],"id":"x","name":"two"}]}""", "config.workloads[1].id")]
    public void Bad_config_workloads_are_named_with_their_index(string config, string field)
    {
        var error = Reject($$$"""{"image":"busybox","config":{{{config}}}}""");

        Assert.Equal([field], Fields(error));
    }

    [Fact]
    public void More_config_workloads_than_a_workspace_may_have_are_refused()
    {
        var many = string.Join(",", Enumerable.Range(0, 65).Select(i => $$"""{"name":"w{{i}}","cmd":["a"]}"""));

        Assert.Equal(["config.workloads"], Fields(Reject($$$"""{"image":"busybox","config":{"workloads":[{{{many}}}]}}""")));
    }

    [Fact]
    public void A_config_that_is_not_an_object_is_named()
    {
        Assert.Equal(["config"], Fields(Reject("""{"image":"busybox","config":[1]}""")));
    }
}
