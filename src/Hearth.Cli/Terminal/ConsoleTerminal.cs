using System.Diagnostics;

namespace Hearth.Cli.Terminal;

/// <summary>
/// The process's own terminal. Raw mode is <c>stty raw -echo</c> run on the inherited stdin, undone
/// with the settings <c>stty -g</c> saved first (stty(1)). .NET only rewrites termios around child
/// processes once its own console input (ReadKey, Console.In) has configured the terminal; the CLI never
/// uses those, reading stdin as a plain stream, so stty's settings stay as set.
/// </summary>
internal sealed class ConsoleTerminal : ILocalTerminal
{
    public bool IsInteractive => true;

    public (int Cols, int Rows)? Size
    {
        get
        {
            try
            {
                var (cols, rows) = (Console.WindowWidth, Console.WindowHeight);
                return cols > 0 && rows > 0 ? (cols, rows) : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public async Task<IAsyncDisposable> EnterRawModeAsync(CancellationToken cancellationToken)
    {
        var saved = (await SttyAsync(["-g"], cancellationToken)).Trim();
        await SttyAsync(["raw", "-echo"], cancellationToken);
        return new Restore(saved);
    }

    private static async Task<string> SttyAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("stty") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new CliException("cannot run stty");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new CliException($"stty {string.Join(' ', args)} failed: {(await error).Trim()}");
        }

        return await output;
    }

    private sealed class Restore(string saved) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Restoring must happen even when the session was cancelled: no token.
            try
            {
                await SttyAsync(saved.Length > 0 ? [saved] : ["sane"], CancellationToken.None);
            }
            catch (CliException)
            {
                await SttyAsync(["sane"], CancellationToken.None);
            }
        }
    }
}
