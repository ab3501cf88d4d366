using System.Text;
using Hearth.Agent.Interop;
using Hearth.Agent.RunAs;
using Hearth.Agent.Server;
using Hearth.Protocol.Workloads;

namespace Hearth.Agent.Workloads;

/// <summary>
/// Turns a workload's definition into what posix_spawn starts, after checking what would
/// otherwise only fail inside the child: the working directory, the program, the user. A
/// failure here is a reason for a person (<c>failed</c>, not a crash loop).
/// </summary>
internal static class WorkloadLauncher
{
    /// <summary>
    /// How the agent was started, up to its command (the loader, its options and the agent's
    /// path, in a workspace): the same prefix plus <c>run-as</c> starts a workload as its user.
    /// </summary>
    private static readonly Lazy<string[]> AgentPrefix = new(ReadAgentPrefix);

    /// <summary>The spawn options for <paramref name="spec"/>, or null and why not.</summary>
    public static SpawnOptions? Prepare(WorkloadSpec spec, out string failure)
    {
        failure = "";
        var cwd = spec.WorkingDir ?? "/";
        if (!Directory.Exists(cwd))
        {
            failure = $"working directory {cwd} does not exist";
            return null;
        }

        string? pathVariable = null;
        if (spec.Env?.TryGetValue("PATH", out pathVariable) != true)
            pathVariable = Environment.GetEnvironmentVariable("PATH");
        var error = ProgramSearch.Find(spec.Cmd[0], pathVariable, cwd, out var program);
        if (error == 0 && program.Contains('/') && !File.Exists(program.StartsWith('/') ? program : Path.Combine(cwd, program)))
            error = Libc.ENOENT;
        if (error != 0)
        {
            failure = error == Libc.EACCES
                ? $"permission denied: {spec.Cmd[0]}"
                : $"command not found: {spec.Cmd[0]}" + (spec.Cmd[0].Contains('/') ? "" : $" (PATH={pathVariable})");
            return null;
        }

        if (spec.User is null)
            return new SpawnOptions { Argv = spec.Cmd, Program = program, Environment = spec.Env, WorkingDirectory = cwd, NewSession = true };

        if (RunAsCommand.Resolve(spec.User, out var userError) is null)
        {
            failure = userError;
            return null;
        }

        // run-as becomes the user, enters the directory and execs the command in its own place.
        var prefix = AgentPrefix.Value;
        List<string> argv = [.. prefix, "run-as", "--user", spec.User];
        if (spec.WorkingDir is not null) argv.AddRange(["--workdir", spec.WorkingDir]);
        argv.Add("--");
        argv.AddRange(spec.Cmd);
        return new SpawnOptions { Argv = argv, Program = prefix[0], Environment = spec.Env, NewSession = true };
    }

    /// <summary>The agent's own command line before <c>init</c>, from /proc/self/cmdline.</summary>
    private static string[] ReadAgentPrefix()
    {
        var arguments = Encoding.UTF8.GetString(File.ReadAllBytes("/proc/self/cmdline")).TrimEnd('\0').Split('\0');
        var init = Array.IndexOf(arguments, "init");
        return init > 0 ? arguments[..init] : [Environment.ProcessPath ?? "/proc/self/exe"];
    }
}
