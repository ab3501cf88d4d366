using System.Text.Json;
using Hearth.Protocol.Workloads;
using Hearth.Server.Api;
using Hearth.Server.Workloads;

namespace Hearth.Server.Tests.Workloads;

public sealed class WorkloadRequestParserTests
{
    private static WorkloadSpec Create(string json) => WorkloadRequestParser.ParseCreate(JsonDocument.Parse(json).RootElement);

    private static WorkloadPatch Patch(string json) => WorkloadRequestParser.ParsePatch(JsonDocument.Parse(json).RootElement);

    private static ApiException RejectCreate(string json) => Assert.Throws<ApiException>(() => Create(json));

    private static ApiException RejectPatch(string json) => Assert.Throws<ApiException>(() => Patch(json));

    private static List<string> Fields(ApiException e) => (e.Errors ?? []).Select(f => f.Field).ToList();

    private static string MessageOf(ApiException e, string field) => e.Errors!.Single(f => f.Field == field).Message;

    [Fact]
    public void A_bare_create_gets_the_defaults_and_its_id_as_its_name()
    {
        var spec = Create("""{"cmd":["/bin/sleep","100"]}""");

        Assert.Matches("^wl_[a-z0-9]{10}$", spec.Id);
        Assert.Equal(spec.Id, spec.Name);
        Assert.Equal(["/bin/sleep", "100"], spec.Cmd);
        Assert.Equal(WorkloadRestartPolicy.OnFailure, spec.RestartPolicy);
        Assert.Equal((10, 1.0, true, true, true, true), (spec.MaxRestarts, spec.RestartDelay, spec.RestartBackoff, spec.AutoStart, spec.Enabled, spec.KeepLogs));
        Assert.Equal((WorkloadLimits.DefaultMaxLogSizeMb, 0), (spec.MaxLogSizeMb, spec.LogRetentionHours));
        Assert.Null(spec.Env);
        Assert.Null(spec.WorkingDir);
        Assert.Null(spec.User);
        Assert.Null(spec.VmOnExit);
        Assert.Equal("api", spec.Origin);
    }

    [Fact]
    public void Two_creates_without_an_id_get_different_ids()
    {
        Assert.NotEqual(Create("""{"cmd":["a"]}""").Id, Create("""{"cmd":["a"]}""").Id);
    }

    [Fact]
    public void A_given_name_and_id_are_kept_and_a_name_alone_gets_a_generated_id()
    {
        var both = Create("""{"cmd":["a"],"name":"web.api_1","id":"my-id"}""");
        var named = Create("""{"cmd":["a"],"name":"web"}""");
        var idOnly = Create("""{"cmd":["a"],"id":"only-id"}""");

        Assert.Equal(("my-id", "web.api_1"), (both.Id, both.Name));
        Assert.Equal("web", named.Name);
        Assert.Matches("^wl_[a-z0-9]{10}$", named.Id);
        Assert.Equal(("only-id", "only-id"), (idOnly.Id, idOnly.Name));
    }

    [Fact]
    public void Every_field_is_read()
    {
        var spec = Create("""
            {"name":"app","cmd":["node","server.js"],"env":{"PORT":"8080"},"working_dir":"/app","user":"node:staff",
             "restart_policy":"always","max_restarts":0,"restart_delay":2.5,"restart_backoff":false,"auto_start":false,
             "enabled":false,"keep_logs":false,"max_log_size_mb":1024,"log_retention_hours":8760,
             "labels":{"tier":"web"},"annotations":{"owner":"me"},"vm_on_exit":"stop","target":"default"}
            """);

        Assert.Equal("app", spec.Name);
        Assert.Equal(["node", "server.js"], spec.Cmd);
        Assert.Equal("8080", spec.Env!["PORT"]);
        Assert.Equal(("/app", "node:staff"), (spec.WorkingDir, spec.User));
        Assert.Equal(("always", 0, 2.5), (spec.RestartPolicy, spec.MaxRestarts, spec.RestartDelay));
        Assert.Equal((false, false, false, false), (spec.RestartBackoff, spec.AutoStart, spec.Enabled, spec.KeepLogs));
        Assert.Equal((1024, 8760), (spec.MaxLogSizeMb, spec.LogRetentionHours));
        Assert.Equal("web", spec.Labels!["tier"]);
        Assert.Equal("me", spec.Annotations!["owner"]);
        Assert.Equal("stop", spec.VmOnExit);
    }

    [Fact]
    public void Command_is_an_alias_of_cmd_and_cmd_wins()
    {
        Assert.Equal(["/bin/true"], Create("""{"command":["/bin/true"]}""").Cmd);
        Assert.Equal(["/bin/a"], Create("""{"cmd":["/bin/a"],"command":["/bin/b"]}""").Cmd);
    }

    [Theory]
    [InlineData("cmd")]
    [InlineData("command")]
    public void A_command_string_runs_through_sh(string key)
    {
        Assert.Equal(["/bin/sh", "-c", "echo hi && sleep 1"], Create($$"""{"{{key}}":"echo hi && sleep 1"}""").Cmd);
    }

    [Theory]
    [InlineData("""{"A":"1","B":"x=y"}""")]
    [InlineData("""["A=1","B=x=y"]""")]
    [InlineData("""[{"key":"A","value":"1"},{"key":"B","value":"x=y"}]""")]
    public void Env_is_read_in_each_documented_form(string env)
    {
        var spec = Create($$"""{"cmd":["a"],"env":{{env}}}""");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "x=y" }, spec.Env);
    }

    [Fact]
    public void Restart_is_an_alias_of_restart_policy_and_restart_policy_wins()
    {
        Assert.Equal("no", Create("""{"cmd":["a"],"restart":"no"}""").RestartPolicy);
        Assert.Equal("never", Create("""{"cmd":["a"],"restart":"always","restart_policy":"never"}""").RestartPolicy);
    }

    [Theory]
    [InlineData("no")]
    [InlineData("never")]
    [InlineData("always")]
    [InlineData("on-failure")]
    [InlineData("unless-stopped")]
    public void Every_restart_policy_is_accepted(string policy)
    {
        Assert.Equal(policy, Create($$"""{"cmd":["a"],"restart_policy":"{{policy}}"}""").RestartPolicy);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("60", 60)]
    [InlineData("0.25", 0.25)]
    [InlineData("\"500ms\"", 0.5)]
    [InlineData("\"2s\"", 2)]
    [InlineData("\"1m\"", 60)]
    [InlineData("\"1.5\"", 1.5)]
    public void Restart_delay_is_seconds_or_a_duration(string value, double seconds)
    {
        Assert.Equal(seconds, Create($$"""{"cmd":["a"],"restart_delay":{{value}}}""").RestartDelay);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"exit\"")]
    [InlineData("\"stop\"")]
    public void Vm_on_exit_takes_nothing_stop_or_exit(string value)
    {
        Assert.Equal(JsonSerializer.Deserialize<string>(value), Create($$"""{"cmd":["a"],"vm_on_exit":{{value}}}""").VmOnExit);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"default\"")]
    [InlineData("null")]
    public void The_default_target_is_accepted(string value)
    {
        Assert.Equal(["a"], Create($$"""{"cmd":["a"],"target":{{value}}}""").Cmd);
    }

    [Fact]
    public void Unknown_keys_and_a_null_log_path_are_ignored()
    {
        Assert.Equal(["a"], Create("""{"cmd":["a"],"ports":[8080],"something":{"x":1},"log_path":null,"origin":"config"}""").Cmd);
        Assert.Equal("api", Create("""{"cmd":["a"],"origin":"config"}""").Origin);
    }

    [Theory]
    [InlineData("""{}""", "cmd")]
    [InlineData("""{"cmd":[]}""", "cmd")]
    [InlineData("""{"cmd":""}""", "cmd")]
    [InlineData("""{"cmd":"   "}""", "cmd")]
    [InlineData("""{"cmd":[1,2]}""", "cmd")]
    [InlineData("""{"cmd":[""]}""", "cmd")]
    [InlineData("""{"cmd":{"a":1}}""", "cmd")]
    [InlineData("""{"command":[]}""", "command")]
    [InlineData("""{"command":5}""", "command")]
    [InlineData("""{"cmd":["a"],"name":""}""", "name")]
    [InlineData("""{"cmd":["a"],"name":"-web"}""", "name")]
    [InlineData("""{"cmd":["a"],"name":"a b"}""", "name")]
    [InlineData("""{"cmd":["a"],"name":"a/b"}""", "name")]
    [InlineData("""{"cmd":["a"],"name":5}""", "name")]
    [InlineData("""{"cmd":["a"],"id":"wl_!"}""", "id")]
    [InlineData("""{"cmd":["a"],"env":"A=1"}""", "env")]
    [InlineData("""{"cmd":["a"],"env":["NOEQUALS"]}""", "env[0]")]
    [InlineData("""{"cmd":["a"],"env":{"BAD-NAME":"x"}}""", "env.BAD-NAME")]
    [InlineData("""{"cmd":["a"],"working_dir":"app"}""", "working_dir")]
    [InlineData("""{"cmd":["a"],"working_dir":""}""", "working_dir")]
    [InlineData("""{"cmd":["a"],"working_dir":7}""", "working_dir")]
    [InlineData("""{"cmd":["a"],"user":""}""", "user")]
    [InlineData("""{"cmd":["a"],"user":"a:b:c"}""", "user")]
    [InlineData("""{"cmd":["a"],"user":"a:"}""", "user")]
    [InlineData("""{"cmd":["a"],"user":":g"}""", "user")]
    [InlineData("""{"cmd":["a"],"restart_policy":"sometimes"}""", "restart_policy")]
    [InlineData("""{"cmd":["a"],"restart":"sometimes"}""", "restart")]
    [InlineData("""{"cmd":["a"],"max_restarts":-1}""", "max_restarts")]
    [InlineData("""{"cmd":["a"],"max_restarts":10001}""", "max_restarts")]
    [InlineData("""{"cmd":["a"],"max_restarts":"many"}""", "max_restarts")]
    [InlineData("""{"cmd":["a"],"restart_delay":-1}""", "restart_delay")]
    [InlineData("""{"cmd":["a"],"restart_delay":61}""", "restart_delay")]
    [InlineData("""{"cmd":["a"],"restart_delay":"2h"}""", "restart_delay")]
    [InlineData("""{"cmd":["a"],"restart_delay":"soon"}""", "restart_delay")]
    [InlineData("""{"cmd":["a"],"restart_delay":true}""", "restart_delay")]
    [InlineData("""{"cmd":["a"],"restart_backoff":"yes"}""", "restart_backoff")]
    [InlineData("""{"cmd":["a"],"auto_start":1}""", "auto_start")]
    [InlineData("""{"cmd":["a"],"enabled":"true"}""", "enabled")]
    [InlineData("""{"cmd":["a"],"keep_logs":0}""", "keep_logs")]
    [InlineData("""{"cmd":["a"],"max_log_size_mb":0}""", "max_log_size_mb")]
    [InlineData("""{"cmd":["a"],"max_log_size_mb":1025}""", "max_log_size_mb")]
    [InlineData("""{"cmd":["a"],"log_retention_hours":-1}""", "log_retention_hours")]
    [InlineData("""{"cmd":["a"],"log_retention_hours":8761}""", "log_retention_hours")]
    [InlineData("""{"cmd":["a"],"labels":["a"]}""", "labels")]
    [InlineData("""{"cmd":["a"],"labels":{"a":1}}""", "labels.a")]
    [InlineData("""{"cmd":["a"],"annotations":"x"}""", "annotations")]
    [InlineData("""{"cmd":["a"],"annotations":{"a":{"b":"c"}}}""", "annotations.a")]
    [InlineData("""{"cmd":["a"],"vm_on_exit":"pause"}""", "vm_on_exit")]
    [InlineData("""{"cmd":["a"],"vm_on_exit":"reboot"}""", "vm_on_exit")]
    [InlineData("""{"cmd":["a"],"target":"gpu-runtime"}""", "target")]
    [InlineData("""{"cmd":["a"],"target":3}""", "target")]
    [InlineData("""{"cmd":["a"],"log_path":"/tmp/app.log"}""", "log_path")]
    public void A_bad_field_is_named(string json, string field)
    {
        var error = RejectCreate(json);

        Assert.Equal(400, error.Status);
        Assert.Equal("validation_error", error.Code);
        Assert.Equal([field], Fields(error));
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_messages_say_what_is_allowed()
    {
        Assert.Contains("no, never, always, on-failure, unless-stopped", MessageOf(RejectCreate("""{"cmd":["a"],"restart_policy":"x"}"""), "restart_policy"), StringComparison.Ordinal);
        Assert.Contains("cannot pause itself", MessageOf(RejectCreate("""{"cmd":["a"],"vm_on_exit":"pause"}"""), "vm_on_exit"), StringComparison.Ordinal);
        Assert.Contains("/var/log/hearth/workloads/<id>", MessageOf(RejectCreate("""{"cmd":["a"],"log_path":"/x"}"""), "log_path"), StringComparison.Ordinal);
        Assert.Contains("absolute", MessageOf(RejectCreate("""{"cmd":["a"],"working_dir":"x"}"""), "working_dir"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_field_is_reported_in_one_answer()
    {
        var error = RejectCreate("""
            {"name":"-x","env":5,"working_dir":"rel","user":"","restart":"sometimes","max_restarts":-1,"restart_delay":99,
             "restart_backoff":"y","auto_start":"y","enabled":"y","keep_logs":"y","max_log_size_mb":0,"log_retention_hours":-1,
             "labels":5,"annotations":5,"vm_on_exit":"pause","target":"x","log_path":"/x"}
            """);

        string[] expected =
            ["annotations", "auto_start", "cmd", "enabled", "env", "keep_logs", "labels", "log_path", "log_retention_hours",
             "max_log_size_mb", "max_restarts", "name", "restart", "restart_backoff", "restart_delay", "target", "user", "vm_on_exit", "working_dir"];
        Assert.Equal(expected, Fields(error).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Too_many_labels_env_entries_or_arguments_are_refused()
    {
        var labels = string.Join(",", Enumerable.Range(0, 65).Select(i => $"\"k{i}\":\"v\""));
        var env = string.Join(",", Enumerable.Range(0, WorkloadLimits.MaxEnvEntries + 1).Select(i => $"\"K{i}\":\"v\""));
        var args = string.Join(",", Enumerable.Range(0, WorkloadLimits.MaxCmdArguments + 1).Select(_ => "\"x\""));

        Assert.Equal(["labels"], Fields(RejectCreate("{\"cmd\":[\"a\"],\"labels\":{" + labels + "}}")));
        Assert.Equal(["env"], Fields(RejectCreate("{\"cmd\":[\"a\"],\"env\":{" + env + "}}")));
        Assert.Equal(["cmd"], Fields(RejectCreate($$"""{"cmd":[{{args}}]}""")));
    }

    [Fact]
    public void An_empty_patch_changes_nothing()
    {
        var patch = Patch("{}");

        Assert.Equal(new WorkloadPatch(), patch);
    }

    [Fact]
    public void A_patch_carries_only_what_it_names_with_the_same_aliases()
    {
        var patch = Patch("""{"command":"echo hi","restart":"always","restart_delay":"500ms","env":["A=1"],"max_log_size_mb":5,"vm_on_exit":""}""");

        Assert.Equal(["/bin/sh", "-c", "echo hi"], patch.Cmd);
        Assert.Equal(("always", 0.5, 5, ""), (patch.RestartPolicy, patch.RestartDelay, patch.MaxLogSizeMb, patch.VmOnExit));
        Assert.Equal("1", patch.Env!["A"]);
        Assert.Null(patch.Name);
        Assert.Null(patch.MaxRestarts);
        Assert.Null(patch.AutoStart);
        Assert.Null(patch.Labels);
    }

    [Theory]
    [InlineData("""{"cmd":[]}""", "cmd")]
    [InlineData("""{"restart_policy":"x"}""", "restart_policy")]
    [InlineData("""{"vm_on_exit":"pause"}""", "vm_on_exit")]
    [InlineData("""{"working_dir":"rel"}""", "working_dir")]
    [InlineData("""{"name":"a b"}""", "name")]
    [InlineData("""{"target":"other"}""", "target")]
    [InlineData("""{"log_path":"/x"}""", "log_path")]
    [InlineData("""{"max_log_size_mb":2000}""", "max_log_size_mb")]
    public void A_bad_patch_field_is_named(string json, string field)
    {
        Assert.Equal([field], Fields(RejectPatch(json)));
    }
}
