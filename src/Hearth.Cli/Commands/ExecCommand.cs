using System.CommandLine;
using Hearth.Cli.Output;
using Hearth.Protocol.Json;
using Hearth.Sdk;
using Hearth.Sdk.Runtime;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth exec WS [--timeout S] [--json] -- CMD [ARGS...]</c>: runs a command in a workspace,
/// its stdout and stderr copied byte for byte to this process's, and exits with its exit code.
/// stdin is forwarded when it is a pipe or a file; from a terminal the command gets end of file.
/// </summary>
internal static class ExecCommand
{
    /// <summary>The exit code after Ctrl+C, as a shell reports a SIGINT death (128 + 2).</summary>
    public const int Interrupted = 130;

    /// <summary>The exit code when stdout's reader went away (<c>| head</c>), as a SIGPIPE death (128 + 13).</summary>
    public const int BrokenPipe = 141;

    private const int InputChunk = 64 * 1024;

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var workspace = new Argument<string>("workspace") { Description = "Workspace id" };
        var commandLine = new Argument<string[]>("command")
        {
            Description = "The program and its arguments (put them after --)",
            Arity = ArgumentArity.OneOrMore,
        };
        var timeout = CliOptions.PositiveInt("--timeout", "Kill the command after this many seconds", "S");
        var json = new Option<bool>("--json")
        {
            Description = "Wait for the command and print its task (exit code, stdout, stderr) as one JSON document",
        };
        var command = new Command("exec", "Run a command in a workspace") { workspace, commandLine, timeout, json };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var rt = await client.Workspaces.RuntimeAsync(parseResult.GetRequiredValue(workspace), cancellationToken: cancellationToken);
            var argv = parseResult.GetRequiredValue(commandLine);
            var options = new ExecOptions { TimeoutSeconds = parseResult.GetValue(timeout) };
            if (parseResult.GetValue(json))
            {
                var task = await rt.Exec.RunAsync(argv, options, cancellationToken);
                await JsonOutput.WriteAsync(context.Out, task, HearthJsonContext.Default.ExecTask, cancellationToken);
                return task.ExitCode ?? ExitCodes.Failure;
            }

            return await StreamAsync(context, rt, argv, options, cancellationToken);
        });
        return command;
    }

    private static async Task<int> StreamAsync(CliContext context, RuntimeClient rt, string[] argv, ExecOptions options, CancellationToken cancellationToken)
    {
        string? taskId = null;
        using var stopInput = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await foreach (var e in rt.Exec.StreamAsync(argv, options, cancellationToken))
            {
                switch (e.Kind)
                {
                    case ExecEventKind.TaskId:
                        taskId = e.TaskId!;
                        // Not awaited: a read of stdin cannot be cancelled, and the command may end before stdin does.
                        _ = ForwardInputAsync(context.Terminal.IsInteractive ? Stream.Null : context.StandardInput, rt.Exec, taskId, stopInput.Token);
                        break;
                    case ExecEventKind.Stdout:
                        await context.StandardOutput.WriteAsync(e.Data, cancellationToken);
                        await context.StandardOutput.FlushAsync(cancellationToken);
                        break;
                    case ExecEventKind.Stderr:
                        await context.StandardError.WriteAsync(e.Data, cancellationToken);
                        await context.StandardError.FlushAsync(cancellationToken);
                        break;
                    case ExecEventKind.Exit:
                        return e.ExitCode ?? ExitCodes.Failure;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the task belongs to the workspace and would run on; kill it, as a local Ctrl+C would.
            if (taskId is not null)
            {
                await KillQuietlyAsync(rt, taskId);
            }

            return Interrupted;
        }
        catch (IOException) when (taskId is not null)
        {
            // Our stdout or stderr was closed (".. | head"): nobody reads the rest, so the command stops,
            // as it would locally on SIGPIPE.
            await KillQuietlyAsync(rt, taskId);
            return BrokenPipe;
        }
        finally
        {
            await stopInput.CancelAsync();
        }

        throw new CliException("the exec stream ended before the command's exit code arrived");
    }

    /// <summary>Copies stdin to the task until end of file, then closes the task's stdin (at once for <see cref="Stream.Null"/>).</summary>
    private static async Task ForwardInputAsync(Stream stdin, ExecClient exec, string taskId, CancellationToken cancellationToken)
    {
        var buffer = new byte[InputChunk];
        try
        {
            int read;
            while ((read = await stdin.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await exec.WriteInputAsync(taskId, buffer.AsMemory(0, read), close: false, cancellationToken);
            }

            await exec.WriteInputAsync(taskId, ReadOnlyMemory<byte>.Empty, close: true, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The command ended first.
        }
        catch (HearthApiException)
        {
            // The command ended or closed its stdin; what it printed, and its exit code, still arrive.
        }
    }

    private static async Task KillQuietlyAsync(RuntimeClient rt, string taskId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await rt.Exec.KillAsync(taskId, timeout.Token);
        }
        catch (Exception ex) when (ex is HearthApiException or OperationCanceledException)
        {
            // Gone already, or unreachable: nothing more to do on the way out.
        }
    }
}
