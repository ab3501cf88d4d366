using Hearth.Cli;

return await HearthCli.RunAsync(args, CliContext.FromProcess());
