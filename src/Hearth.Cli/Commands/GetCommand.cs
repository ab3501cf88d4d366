using System.CommandLine;
using System.Globalization;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;

namespace Hearth.Cli.Commands;

/// <summary><c>hearth ws get ID</c>: one workspace as aligned <c>key value</c> lines.</summary>
internal static class GetCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var id = new Argument<string>("id") { Description = "Workspace id" };
        var json = CliOptions.Json();
        var command = new Command("get", "Show one workspace") { id, json };
        command.Aliases.Add("inspect");

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var workspace = await client.Workspaces.GetAsync(parseResult.GetRequiredValue(id), cancellationToken);
            if (parseResult.GetValue(json))
            {
                await JsonOutput.WriteAsync(context.Out, new WorkspaceResponse { Workspace = workspace }, HearthJsonContext.Default.WorkspaceResponse, cancellationToken);
            }
            else
            {
                Write(context, workspace);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(CliContext context, Workspace ws)
    {
        var lines = new List<(string Key, string? Value)>
        {
            ("ID", ws.Id),
            ("Name", ws.Name),
            ("Image", ws.Image),
            ("Mode", ws.Mode),
            ("Status", ws.Status),
            ("Reason", ws.Info.Reason),
            ("IP", ws.Info.InternalIp ?? ws.Network.Ip),
            ("CPUs", ws.Resources.Cpus.ToString(CultureInfo.InvariantCulture)),
            ("Memory", Format.Megabytes(ws.Resources.MemoryMb)),
            ("Disk", Format.Megabytes(ws.Resources.DiskSizeMb)
                + (ws.Resources.PendingDiskSizeMb is { } pending ? $" ({Format.Megabytes(pending)} at next start)" : "")),
            ("OOM kills", ws.Info.OomKills > 0 ? ws.Info.OomKills.ToString(CultureInfo.InvariantCulture) : null),
            ("TTL", ws.Lifecycle.Ttl is null ? null
                : ws.Lifecycle.TtlExpiresAt is { } expires ? $"{ws.Lifecycle.Ttl} (expires {Format.Timestamp(expires)})" : ws.Lifecycle.Ttl),
            ("Command", ws.Config.Cmd is { Count: > 0 } cmd ? string.Join(' ', cmd) : null),
            ("Created", $"{Format.Timestamp(ws.CreatedAt)} ({Format.Age(ws.CreatedAt, context.Time.GetUtcNow())})"),
        };

        foreach (var (key, value) in lines)
        {
            if (!string.IsNullOrEmpty(value))
            {
                context.Out.WriteLine($"{key,-10} {value}");
            }
        }
    }
}
