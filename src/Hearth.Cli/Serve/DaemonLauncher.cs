using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Hearth.Cli.Serve;

/// <summary>
/// Runs <c>hearthd</c> as a child sharing this process's stdio, relays termination signals to it and
/// returns its exit code.
/// </summary>
/// <remarks>
/// A signal from the terminal (Ctrl+C, a hang-up) reaches the whole foreground process group, child
/// included; one sent to this process alone (systemd's SIGTERM to the main PID, <c>kill</c>) does not.
/// Both kinds are relayed, so the daemon may see a terminal signal twice: its shutdown is idempotent,
/// as the generic host's is. This process then waits for the daemon rather than dying first.
/// </remarks>
internal static partial class DaemonLauncher
{
    public const string DaemonName = "hearthd";

    // signal(7): the numbers are the same on Linux and macOS.
    private static readonly (PosixSignal Signal, int Number)[] Relayed =
    [
        (PosixSignal.SIGHUP, 1),
        (PosixSignal.SIGINT, 2),
        (PosixSignal.SIGQUIT, 3),
        (PosixSignal.SIGTERM, 15),
    ];

    /// <summary>The daemon's path, or null when neither its executable nor its assembly is there.</summary>
    public static ProcessStartInfo? Locate(string baseDirectory)
    {
        var executable = Path.Combine(baseDirectory, OperatingSystem.IsWindows() ? DaemonName + ".exe" : DaemonName);
        if (File.Exists(executable))
        {
            return new ProcessStartInfo(executable);
        }

        // Run as "dotnet hearth.dll" (no apphost): start the daemon's assembly the same way.
        var assembly = Path.Combine(baseDirectory, DaemonName + ".dll");
        var host = Environment.ProcessPath;
        if (File.Exists(assembly) && host is not null
            && Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            var start = new ProcessStartInfo(host);
            start.ArgumentList.Add(assembly);
            return start;
        }

        return null;
    }

    public static async Task<int> RunAsync(ProcessStartInfo start, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.UseShellExecute = false;
        using var process = Process.Start(start)
            ?? throw new CliException($"cannot start {start.FileName}");

        var registrations = new List<PosixSignalRegistration>();
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                foreach (var (signal, number) in Relayed)
                {
                    registrations.Add(PosixSignalRegistration.Create(signal, context =>
                    {
                        context.Cancel = true;
                        Relay(process, number);
                    }));
                }
            }

            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Relay(process, 15);
                await process.WaitForExitAsync(CancellationToken.None);
            }

            return process.ExitCode;
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }

    private static void Relay(Process process, int signal)
    {
        try
        {
            if (!process.HasExited)
            {
                _ = Kill(process.Id, signal);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the call: nothing left to tell.
        }
    }

    // kill(2). Not exposed by .NET: Process.Kill only sends SIGKILL, which skips the daemon's shutdown.
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
