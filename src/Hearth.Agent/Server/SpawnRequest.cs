using Hearth.Protocol.Agent;

namespace Hearth.Agent.Server;

/// <summary>Checks the fields of a <c>spawn</c> message before anything is created for it.</summary>
internal static class SpawnRequest
{
    /// <summary>Every problem with <paramref name="request"/>, so that one reply names them all; empty if none.</summary>
    public static List<string> Validate(AgentMessage request)
    {
        var problems = new List<string>();
        if (request.Argv is not { Count: > 0 } argv)
        {
            problems.Add("argv must name a program");
        }
        else
        {
            for (var i = 0; i < argv.Count; i++)
            {
                // JSON null passes the source generator's non-nullable string.
                if (argv[i] is null) problems.Add($"argv[{i}] is null");
                else if (argv[i].Contains('\0')) problems.Add($"argv[{i}] contains a NUL character");
            }

            if (argv[0] is { Length: 0 }) problems.Add("argv[0] is empty");
        }

        foreach (var (name, value) in request.Env ?? new Dictionary<string, string>())
        {
            if (name.Length == 0 || name.Contains('=') || name.Contains('\0'))
                problems.Add($"env name '{name}' is empty or contains '=' or NUL");
            if (value is null) problems.Add($"env {name} is null");
            else if (value.Contains('\0')) problems.Add($"env {name} contains a NUL character");
        }

        if (request.Pty is { IsValid: false })
            problems.Add($"pty cols and rows must each be from 1 to {AgentPtySize.Max}");

        if (request.Cwd is { } cwd && (!cwd.StartsWith('/') || cwd.Contains('\0')))
            problems.Add("cwd must be an absolute path");

        return problems;
    }
}
