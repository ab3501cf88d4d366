using System.Runtime.InteropServices;
using Hearth.Agent.Interop;

namespace Hearth.Agent.Init;

/// <summary>
/// Installs handlers for the signals the agent passes on. The handlers matter beyond forwarding:
/// the kernel drops any signal whose disposition is SIG_DFL when it is sent to the init process
/// of a pid namespace, from inside or from an ancestor namespace (pid_namespaces(7)), so without
/// them `crun kill` could not stop a workspace except with SIGKILL.
/// </summary>
/// <remarks>
/// SIGCHLD is deliberately not among them: registering it makes the runtime, in a process that
/// is PID 1, reap every child on its own signal thread (System.Native pal_signal.c), racing the
/// <see cref="Reaper"/> for exit statuses.
/// </remarks>
internal sealed class SignalForwarder : IDisposable
{
    /// <summary>
    /// PosixSignal names the portable signals; SIGUSR1/SIGUSR2 have no name and are passed as raw
    /// Linux numbers, which PosixSignalRegistration accepts on Unix.
    /// </summary>
    private static readonly (PosixSignal Signal, int Number)[] Handled =
    [
        (PosixSignal.SIGTERM, Libc.SIGTERM),
        (PosixSignal.SIGINT, Libc.SIGINT),
        (PosixSignal.SIGHUP, Libc.SIGHUP),
        (PosixSignal.SIGQUIT, Libc.SIGQUIT),
        ((PosixSignal)Libc.SIGUSR1, Libc.SIGUSR1),
        ((PosixSignal)Libc.SIGUSR2, Libc.SIGUSR2),
    ];

    private readonly PosixSignalRegistration[] _registrations;

    private SignalForwarder(PosixSignalRegistration[] registrations) => _registrations = registrations;

    /// <summary>Registers a handler for each signal that hands it to <paramref name="supervisor"/>.</summary>
    public static SignalForwarder Register(Supervisor supervisor)
    {
        var registrations = new PosixSignalRegistration[Handled.Length];
        for (var i = 0; i < Handled.Length; i++)
        {
            var number = Handled[i].Number;
            registrations[i] = PosixSignalRegistration.Create(Handled[i].Signal, context =>
            {
                // Cancel always: otherwise the runtime restores SIG_DFL and re-raises the
                // signal once the handler returns, which would end (or silently deafen) PID 1.
                context.Cancel = true;
                supervisor.OnSignal(number);
            });
        }

        return new SignalForwarder(registrations);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
