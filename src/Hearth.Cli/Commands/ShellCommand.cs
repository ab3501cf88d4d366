using System.CommandLine;
using Hearth.Protocol.Runtime;
using Hearth.Sdk;
using Hearth.Sdk.Runtime;

namespace Hearth.Cli.Commands;

/// <summary>
/// <c>hearth shell WS [--cmd CMD]</c>: an interactive terminal session in a workspace over the runtime
/// socket. The local terminal goes into raw mode so every key (Ctrl+C included) reaches the remote
/// PTY; the window size follows the local one; the exit code is the remote shell's. The session is
/// closed on the way out, however the shell ends.
/// </summary>
internal static class ShellCommand
{
    /// <summary>How often the window size is compared: .NET has no SIGWINCH registration.</summary>
    public static readonly TimeSpan ResizePoll = TimeSpan.FromMilliseconds(250);

    private const int InputChunk = 4096;

    // End of transmission: what a PTY in canonical mode reads as end of file when piped input runs out.
    private static readonly byte[] EndOfInput = [0x04];

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var workspace = new Argument<string>("workspace") { Description = "Workspace id" };
        var cmd = new Option<string?>("--cmd")
        {
            Description = "What to run instead of the workspace's shell (with spaces: run by /bin/sh -c)",
            HelpName = "CMD",
        };
        var command = new Command("shell", "Open an interactive terminal in a workspace") { workspace, cmd };

        ApiAction.Set(command, context, global, async (parseResult, client, cancellationToken) =>
        {
            var rt = await client.Workspaces.RuntimeAsync(parseResult.GetRequiredValue(workspace), cancellationToken: cancellationToken);
            return await RunAsync(context, rt, Argv(parseResult.GetValue(cmd)), cancellationToken);
        });
        return command;
    }

    /// <summary>The terminal's argv: none (the runtime's shell), a single program, or a command line for <c>/bin/sh -c</c>.</summary>
    internal static IReadOnlyList<string>? Argv(string? cmd) => cmd switch
    {
        null or "" => null,
        _ when cmd.Any(char.IsWhiteSpace) => ["/bin/sh", "-c", cmd],
        _ => [cmd],
    };

    private static async Task<int> RunAsync(CliContext context, RuntimeClient rt, IReadOnlyList<string>? argv, CancellationToken cancellationToken)
    {
        var size = context.Terminal.Size ?? (80, 24);
        var session = await rt.Terminals.CreateAsync(new TerminalCreateRequest { Cmd = argv, Cols = size.Cols, Rows = size.Rows }, cancellationToken);
        try
        {
            await using var socket = await rt.ConnectSocketAsync(cancellationToken);
            await using var raw = await context.Terminal.EnterRawModeAsync(cancellationToken);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await socket.ResizeAsync(session.Id, size.Cols, size.Rows, cancellationToken);

            // Neither is awaited: a read of stdin cannot be cancelled, and both end with the session.
            _ = ForwardInputAsync(context, socket, session.Id, stop.Token);
            if (context.Terminal.IsInteractive)
            {
                _ = FollowWindowSizeAsync(context, socket, session.Id, size, stop.Token);
            }

            try
            {
                await foreach (var message in socket.ReadAllAsync(cancellationToken))
                {
                    switch (message)
                    {
                        case TerminalOutput output when output.TerminalId == session.Id:
                            await context.StandardOutput.WriteAsync(output.Data, cancellationToken);
                            await context.StandardOutput.FlushAsync(cancellationToken);
                            break;
                        case TerminalExit exit when exit.TerminalId == session.Id:
                            return exit.ExitCode;
                    }
                }
            }
            finally
            {
                await stop.CancelAsync();
            }

            throw new CliException("the runtime closed the terminal socket before the shell exited");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExecCommand.Interrupted;
        }
        finally
        {
            await CloseQuietlyAsync(rt, session.Id);
        }
    }

    private static async Task ForwardInputAsync(CliContext context, RuntimeSocket socket, string terminalId, CancellationToken cancellationToken)
    {
        var buffer = new byte[InputChunk];
        try
        {
            int read;
            while ((read = await context.StandardInput.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await socket.SendInputAsync(terminalId, buffer.AsMemory(0, read), cancellationToken);
            }

            if (!context.Terminal.IsInteractive)
            {
                await socket.SendInputAsync(terminalId, EndOfInput, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HearthApiException or ObjectDisposedException)
        {
            // The session ended; its exit (or the broken socket) is reported by the reading side.
        }
    }

    private static async Task FollowWindowSizeAsync(CliContext context, RuntimeSocket socket, string terminalId, (int Cols, int Rows) size, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ResizePoll, context.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (context.Terminal.Size is { } now && now != size)
                {
                    size = now;
                    await socket.ResizeAsync(terminalId, size.Cols, size.Rows, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HearthApiException or ObjectDisposedException)
        {
            // The session ended.
        }
    }

    private static async Task CloseQuietlyAsync(RuntimeClient rt, string terminalId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await rt.Terminals.CloseAsync(terminalId, timeout.Token);
        }
        catch (Exception ex) when (ex is HearthApiException or OperationCanceledException)
        {
            // Already gone with its process, or the gateway is unreachable: nothing to undo.
        }
    }
}
