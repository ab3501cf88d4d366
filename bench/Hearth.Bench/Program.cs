using System.Runtime.InteropServices;
using Hearth.Bench;
using Hearth.Runtime.Interop;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (BenchException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
if (Libc.Geteuid() != 0)
{
    Console.Error.WriteLine("hearth-bench drives crun, loop devices and mounts: run it as root (sudo bench/run.sh)");
    return 2;
}

// Ctrl-C or SIGTERM stops the measurements, never the cleanup.
using var stop = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
return await BenchRun.RunAsync(options, stop.Token);

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine("bench: interrupted, cleaning up");
    stop.Cancel();
}
