using Hearth.Agent.Init;
using Hearth.Agent.RunAs;

namespace Hearth.Agent;

/// <summary>Entry point: picks the command, <c>init</c> (PID 1) or <c>run-as</c> (the main command's user).</summary>
internal static class Program
{
    private const string Usage =
        "usage: hearth-agent init [--socket PATH] [--] [CMD ARGS...]\n" +
        "       hearth-agent run-as [--user USER[:GROUP]] [--workdir DIR] [--] CMD [ARGS...]\n";

    /// <summary>Exit code for a command line the agent does not understand.</summary>
    private const int UsageError = 2;

    private static int Main(string[] args)
    {
        switch (args.Length > 0 ? args[0] : "")
        {
            case "init" when InitCommand.Parse(args.AsSpan(1)) is { } init:
                AgentMemory.Configure();
                return init.Run();
            // No AgentMemory here: run-as allocates next to nothing and replaces itself with CMD.
            case "run-as" when RunAsCommand.Parse(args.AsSpan(1)) is { } runAs:
                return runAs.Run();
            default:
                StandardError.WriteRaw(Usage);
                return UsageError;
        }
    }
}
