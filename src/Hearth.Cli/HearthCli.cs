using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Hearth.Cli.Commands;

namespace Hearth.Cli;

/// <summary>The <c>hearth</c> command line: builds the command tree, parses, and runs.</summary>
internal static class HearthCli
{
    public static RootCommand BuildRoot(CliContext context)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("Hearth: self-hosted workspaces for AI agents, speaking the Oblien Workspace API.");
        global.AddTo(root);
        root.Subcommands.Add(WorkspaceCommand.Create(context, global));
        root.Subcommands.Add(ImageCommand.Create(context, global));
        root.Subcommands.Add(WorkloadCommand.Create(context, global));
        root.Subcommands.Add(LogsCommand.Create(context, global));
        root.Subcommands.Add(ExecCommand.Create(context, global));
        root.Subcommands.Add(ShellCommand.Create(context, global));
        root.Subcommands.Add(CopyCommand.Create(context, global));
        root.Subcommands.Add(ServeCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = BuildRoot(context);

        // "@file" stays a literal argument: expanding it would surprise a caller passing ids or commands.
        var parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Action is ParseErrorAction)
        {
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync($"error: {error.Message}");
            }

            await context.Error.WriteLineAsync($"see '{CommandPath(parseResult.CommandResult)} --help'");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,

            // No forced exit after Ctrl+C: an API command dies of the signal as any tool does, and
            // `serve` must outlive it until the daemon it forwarded the signal to has exited.
            ProcessTerminationTimeout = null,
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new Stack<string>();
        for (SymbolResult? current = result; current is CommandResult command; current = command.Parent)
        {
            names.Push(command.Parent is null ? "hearth" : command.Command.Name);
        }

        return string.Join(' ', names);
    }
}
