using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth ws ls</c>: one page of workspaces as a table.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var status = new Option<string?>("--status") { Description = "Only workspaces with this status (running, stopped, ...)", HelpName = "STATUS" };
        var mode = new Option<string?>("--mode") { Description = "Only workspaces of this mode", HelpName = "MODE" };
        mode.AcceptOnlyFromAmong(WorkspaceMode.Permanent, WorkspaceMode.Temporary);
        var page = CliOptions.PositiveInt("--page", "Page number, from 1");
        var limit = CliOptions.PositiveInt("--limit", "Workspaces per page");
        var json = CliOptions.Json();

        var command = new Command("ls", "List workspaces") { status, mode, page, limit, json };
        command.Aliases.Add("list");

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var query = new ListWorkspacesQuery
            {
                Status = parseResult.GetValue(status),
                Mode = parseResult.GetValue(mode),
                Page = parseResult.GetValue(page),
                Limit = parseResult.GetValue(limit),
            };
            var result = await client.Workspaces.ListAsync(query, cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, result, HearthJsonContext.Default.WorkspaceListResponse, cancellationToken);
                return ExitCodes.Success;
            }

            Write(context, result);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(CliContext context, WorkspaceListResponse result)
    {
        var now = context.Time.GetUtcNow();
        var table = new TableWriter("ID", "NAME", "IMAGE", "STATUS", "CPUS", "MEMORY", "DISK", "CREATED");
        foreach (var ws in result.Workspaces)
        {
            table.AddRow(
                ws.Id,
                ws.Name,
                ws.Image,
                ws.Status,
                ws.Resources.Cpus.ToString(CultureInfo.InvariantCulture),
                Format.Megabytes(ws.Resources.MemoryMb),
                Format.Megabytes(ws.Resources.DiskSizeMb),
                Format.Age(ws.CreatedAt, now));
        }

        table.WriteTo(context.Out);
        if (result.Total > result.Workspaces.Count)
        {
            context.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"page {result.Page}: {result.Workspaces.Count} of {result.Total} workspaces (--page, --limit)"));
        }
    }
}
