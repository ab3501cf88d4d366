using System.Runtime.InteropServices;
using System.Text;

namespace Hearth.Agent.Interop;

/// <summary>
/// Starts a program with posix_spawn(3) instead of System.Diagnostics.Process: Process registers
/// the runtime for SIGCHLD, and the runtime then reaps children itself, which would race the
/// agent's reaper for exit statuses.
/// </summary>
internal static unsafe class PosixSpawn
{
    /// <summary>
    /// Starts <see cref="SpawnOptions.Argv"/> as the leader of a new process group (of a new
    /// session, on a terminal, with <see cref="SpawnOptions.TerminalPath"/>, or with <see cref="SpawnOptions.NewSession"/>), with an empty
    /// signal mask and every signal at its default disposition. Returns 0, or the error number
    /// (with glibc, an exec or chdir failure in the child is reported here).
    /// </summary>
    /// <remarks>
    /// The mask and dispositions must be reset explicitly: exec keeps both the mask and ignored
    /// signals (signal(7), "Signal mask and pending signals"; execve(2)), and the .NET runtime
    /// ignores SIGPIPE, which the command must not inherit. One exception is glibc's own doing:
    /// sigfillset(3) leaves out its two internal signals (32 and 33), and glibc's posix_spawn sets
    /// those to SIG_IGN in the child (seen with glibc 2.36), as for any posix_spawn caller;
    /// glibc and musl install their handlers for them when a program needs them.
    /// Descriptors given in <paramref name="options"/> must be 3 or above: a dup2 onto itself
    /// would keep FD_CLOEXEC, and the child would start with that descriptor closed.
    /// </remarks>
    /// <param name="options">What to start.</param>
    /// <param name="pid">The child's pid, which is also its process group id.</param>
    public static int Start(SpawnOptions options, out int pid)
    {
        pid = 0;
        var argv = ToNative(options.Argv);
        var program = options.Program is null ? null : (byte*)Marshal.StringToCoTaskMemUTF8(options.Program);
        var envp = options.Environment is null ? null : MergeEnvironment(options.Environment);
        try
        {
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
                if (options.TerminalPath is { } terminal)
                {
                    // glibc's child runs setsid (POSIX_SPAWN_SETSID, below) before the file actions
                    // (sysdeps/unix/sysv/linux/spawni.c), so this open, without O_NOCTTY, makes the
                    // terminal the new session's controlling terminal (credentials(7), "controlling terminal").
                    error = Libc.PosixSpawnFileActionsAddOpen(&actions, 0, terminal, Libc.O_RDWR, 0);
                    if (error == 0) error = Libc.PosixSpawnFileActionsAddDup2(&actions, 0, 1);
                    if (error == 0) error = Libc.PosixSpawnFileActionsAddDup2(&actions, 0, 2);
                }
                else if (options.StdinFd >= 0)
                    error = Libc.PosixSpawnFileActionsAddDup2(&actions, options.StdinFd, 0);
                else if (options.StdinPath is not null)
                    error = Libc.PosixSpawnFileActionsAddOpen(&actions, 0, options.StdinPath, Libc.O_RDONLY, 0);
                if (error == 0 && options.TerminalPath is null && options.StdoutFd >= 0)
                    error = Libc.PosixSpawnFileActionsAddDup2(&actions, options.StdoutFd, 1);
                if (error == 0 && options.TerminalPath is null && options.StderrFd >= 0)
                    error = Libc.PosixSpawnFileActionsAddDup2(&actions, options.StderrFd, 2);
                if (error == 0 && options.WorkingDirectory is not null)
                    error = Libc.PosixSpawnFileActionsAddChdir(&actions, options.WorkingDirectory);
                if (error != 0) return error;

                SigSet none;
                SigSet all;
                Libc.SigEmptySet(&none);
                Libc.SigFillSet(&all);

                // A session leader is already the leader of its group, and setpgid(2) fails with
                // EPERM for one: a terminal's process gets SETSID instead of SETPGROUP.
                var group = options.TerminalPath is null && !options.NewSession ? Libc.POSIX_SPAWN_SETPGROUP : Libc.POSIX_SPAWN_SETSID;
                error = Libc.PosixSpawnAttrSetFlags(
                    &attributes,
                    (short)(group | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF));
                if (error == 0 && group == Libc.POSIX_SPAWN_SETPGROUP) error = Libc.PosixSpawnAttrSetPGroup(&attributes, 0);
                if (error == 0) error = Libc.PosixSpawnAttrSetSigMask(&attributes, &none);
                if (error == 0) error = Libc.PosixSpawnAttrSetSigDefault(&attributes, &all);
                if (error != 0) return error;

                var environment = envp is null ? Environ() : envp;
                return program is null
                    ? Libc.PosixSpawnP(out pid, argv[0], &actions, &attributes, argv, environment)
                    : Libc.PosixSpawn(out pid, program, &actions, &attributes, argv, environment);
            }
            finally
            {
                Libc.PosixSpawnAttrDestroy(&attributes);
                Libc.PosixSpawnFileActionsDestroy(&actions);
            }
        }
        finally
        {
            Free(argv, options.Argv.Count);
            Marshal.FreeCoTaskMem((nint)program);
            if (envp is not null)
            {
                // Only the entries at the end were allocated here; the others belong to environ.
                var count = 0;
                while (envp[count] is not null) count++;
                for (var i = count - options.Environment!.Count; i < count; i++)
                    Marshal.FreeCoTaskMem((nint)envp[i]);
                NativeMemory.Free(envp);
            }
        }
    }

    /// <summary>
    /// The agent's environment without the names in <paramref name="overrides"/>, followed by
    /// <paramref name="overrides"/> as NAME=value: a null-terminated array whose last
    /// <c>overrides.Count</c> entries are allocated with StringToCoTaskMemUTF8.
    /// </summary>
    private static byte** MergeEnvironment(IReadOnlyDictionary<string, string> overrides)
    {
        var inherited = Environ();
        var kept = new List<nint>();
        for (var entry = inherited; *entry is not null; entry++)
        {
            var text = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(*entry);
            var equals = text.IndexOf((byte)'=');
            var name = equals < 0 ? text : text[..equals];
            if (!overrides.ContainsKey(Encoding.UTF8.GetString(name)))
                kept.Add((nint)(*entry));
        }

        var envp = (byte**)NativeMemory.AllocZeroed((nuint)(kept.Count + overrides.Count + 1), (nuint)sizeof(byte*));
        var index = 0;
        foreach (var entry in kept)
            envp[index++] = (byte*)entry;
        foreach (var (name, value) in overrides)
            envp[index++] = (byte*)Marshal.StringToCoTaskMemUTF8(name + "=" + value);
        return envp;
    }

    private static byte** ToNative(IReadOnlyList<string> strings)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)strings.Count + 1, (nuint)sizeof(byte*));
        for (var i = 0; i < strings.Count; i++)
            array[i] = (byte*)Marshal.StringToCoTaskMemUTF8(strings[i]);
        return array;
    }

    private static void Free(byte** array, int count)
    {
        for (var i = 0; i < count; i++)
            Marshal.FreeCoTaskMem((nint)array[i]);
        NativeMemory.Free(array);
    }

    /// <summary>
    /// libc's <c>environ</c> (environ(7)): the environment exactly as the agent received it, in
    /// order and with any entry .NET's parser would drop. Only run-as calls setenv(3), and it never spawns.
    /// </summary>
    private static byte** Environ()
    {
        var address = NativeLibrary.GetExport(NativeLibrary.GetMainProgramHandle(), "environ");
        return *(byte***)address;
    }
}
