using Hearth.Agent.Init;

namespace Hearth.Agent;

/// <summary>Entry point: picks the command. <c>init</c> is the only one so far.</summary>
internal static class Program
{
    private const string Usage = "usage: hearth-agent init [--socket PATH] [--] [CMD ARGS...]\n";

    /// <summary>Exit code for a command line the agent does not understand.</summary>
    private const int UsageError = 2;

    private static int Main(string[] args)
    {
        var command = args.Length > 0 && args[0] == "init" ? InitCommand.Parse(args.AsSpan(1)) : null;
        if (command is null)
        {
            StandardError.WriteRaw(Usage);
            return UsageError;
        }

        AgentMemory.Configure();
        return command.Run();
    }
}
