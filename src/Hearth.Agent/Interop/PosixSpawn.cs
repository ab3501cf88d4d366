using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>
/// Starts a program with posix_spawnp(3) instead of System.Diagnostics.Process: Process registers
/// the runtime for SIGCHLD, and the runtime then reaps children itself, which would race the
/// agent's reaper for exit statuses.
/// </summary>
internal static unsafe class PosixSpawn
{
    /// <summary>
    /// Starts <paramref name="argv"/> (argv[0] looked up in PATH as by execvp(3)) with this
    /// process's environment, as the leader of a new process group, with an empty signal mask
    /// and every signal at its default disposition. Returns 0, or the error number.
    /// </summary>
    /// <remarks>
    /// The mask and dispositions must be reset explicitly: exec keeps both the mask and ignored
    /// signals (signal(7), "Signal mask and pending signals"; execve(2)), and the .NET runtime
    /// ignores SIGPIPE, which the command must not inherit. One exception is glibc's own doing:
    /// sigfillset(3) leaves out its two internal signals (32 and 33), and glibc's posix_spawn sets
    /// those to SIG_IGN in the child (seen with glibc 2.36), as for any posix_spawn caller;
    /// glibc and musl install their handlers for them when a program needs them.
    /// </remarks>
    /// <param name="argv">The command and its arguments; argv[0] is also the program to find.</param>
    /// <param name="stdinPath">If not null, the child's fd 0 is this file, opened read-only.</param>
    /// <param name="pid">The child's pid, which is also its process group id.</param>
    public static int Start(IReadOnlyList<string> argv, string? stdinPath, out int pid)
    {
        pid = 0;
        var count = argv.Count;
        var arguments = (byte**)NativeMemory.AllocZeroed((nuint)count + 1, (nuint)sizeof(byte*));
        try
        {
            for (var i = 0; i < count; i++)
                arguments[i] = (byte*)Marshal.StringToCoTaskMemUTF8(argv[i]);

            PosixSpawnFileActions actions;
            var error = Libc.PosixSpawnFileActionsInit(&actions);
            if (error != 0) return error;
            PosixSpawnAttr attributes;
            error = Libc.PosixSpawnAttrInit(&attributes);
            if (error != 0)
            {
                Libc.PosixSpawnFileActionsDestroy(&actions);
                return error;
            }

            try
            {
                if (stdinPath is not null)
                {
                    error = Libc.PosixSpawnFileActionsAddOpen(&actions, 0, stdinPath, Libc.O_RDONLY, 0);
                    if (error != 0) return error;
                }

                SigSet none;
                SigSet all;
                Libc.SigEmptySet(&none);
                Libc.SigFillSet(&all);

                error = Libc.PosixSpawnAttrSetFlags(
                    &attributes,
                    Libc.POSIX_SPAWN_SETPGROUP | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF);
                if (error == 0) error = Libc.PosixSpawnAttrSetPGroup(&attributes, 0);
                if (error == 0) error = Libc.PosixSpawnAttrSetSigMask(&attributes, &none);
                if (error == 0) error = Libc.PosixSpawnAttrSetSigDefault(&attributes, &all);
                if (error != 0) return error;

                return Libc.PosixSpawnP(out pid, arguments[0], &actions, &attributes, arguments, Environ());
            }
            finally
            {
                Libc.PosixSpawnAttrDestroy(&attributes);
                Libc.PosixSpawnFileActionsDestroy(&actions);
            }
        }
        finally
        {
            for (var i = 0; i < count; i++)
                Marshal.FreeCoTaskMem((nint)arguments[i]);
            NativeMemory.Free(arguments);
        }
    }

    /// <summary>
    /// libc's <c>environ</c> (environ(7)): the environment exactly as the agent received it, in
    /// order and with any entry .NET's parser would drop. Nothing in the agent calls setenv(3).
    /// </summary>
    private static byte** Environ()
    {
        var address = NativeLibrary.GetExport(NativeLibrary.GetMainProgramHandle(), "environ");
        return *(byte***)address;
    }
}
