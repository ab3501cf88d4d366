using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>
/// The libc calls the agent makes. Each wraps one call; the man page named beside it is the
/// contract. Values are Linux x86_64/aarch64 (asm-generic and glibc headers), which is all the
/// agent is built for.
/// </summary>
/// <remarks>
/// NativeAOT binds "libc" directly at link time (DirectPInvoke), so no dlopen happens in the
/// container, where only the copied loader and libraries exist.
/// </remarks>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    // errno values, asm-generic/errno-base.h.
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int ECHILD = 10;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;
    public const int EPIPE = 32;

    // Signal numbers, signal(7) "Standard signals" for x86 and ARM.
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGUSR2 = 12;
    public const int SIGTERM = 15;

    // prctl(2), linux/prctl.h.
    public const int PR_SET_CHILD_SUBREAPER = 36;

    // open(2), pipe2(2), eventfd(2) and fcntl(2); EFD_CLOEXEC and EFD_NONBLOCK share these values.
    public const int O_RDONLY = 0x0;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;
    public const int F_DUPFD_CLOEXEC = 1030;
    public const int F_GETFD = 1;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int FD_CLOEXEC = 1;

    // access(2).
    public const int X_OK = 1;

    // poll(2), asm-generic/poll.h.
    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    /// <summary>The highest signal number (SIGRTMAX, signal(7)); kill(2) refuses anything above.</summary>
    public const int SignalMax = 64;

    // posix_spawnattr_setflags(3), glibc spawn.h.
    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;

    /// <summary>waitpid(2): returns the reaped pid, or -1 with errno (EINTR, ECHILD).</summary>
    [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);

    /// <summary>kill(2): a negative pid names a process group; -1 names every process we may signal.</summary>
    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>getpid(2).</summary>
    [LibraryImport(Lib, EntryPoint = "malloc_trim")]
    public static partial int MallocTrim(nuint pad);

    [LibraryImport(Lib, EntryPoint = "mallopt")]
    public static partial int Mallopt(int param, int value);

    [LibraryImport(Lib, EntryPoint = "getpid")]
    public static partial int GetPid();

    /// <summary>
    /// prctl(2). The C function is variadic; every option the agent uses takes unsigned long
    /// arguments, which the x86_64 and aarch64 Linux ABIs pass as they do fixed ones.
    /// </summary>
    [LibraryImport(Lib, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);

    /// <summary>open(2); returns the lowest free descriptor.</summary>
    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    /// <summary>fcntl(2) with an int argument (or none).</summary>
    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    /// <summary>dup2(2).</summary>
    [LibraryImport(Lib, EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldFd, int newFd);

    /// <summary>close(2).</summary>
    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>write(2).</summary>
    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    /// <summary>read(2): 0 at end of file; -1 with EAGAIN when a non-blocking descriptor has nothing.</summary>
    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    /// <summary>pipe2(2): <c>fds[0]</c> is the read end, <c>fds[1]</c> the write end.</summary>
    [LibraryImport(Lib, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    /// <summary>poll(2): the number of ready entries, 0 on timeout, -1 with errno (EINTR).</summary>
    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>eventfd(2): a counter descriptor, readable while the counter is not zero.</summary>
    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    /// <summary>access(2) with the real uid; 0 if allowed.</summary>
    [LibraryImport(Lib, EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Access(string path, int mode);

    /// <summary>
    /// posix_spawnp(3): returns 0 or an error number (it does not set errno). With glibc the
    /// child is created with CLONE_VFORK, so an exec failure such as ENOENT is reported here
    /// rather than by a child that exits 127.
    /// </summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnp")]
    public static partial int PosixSpawnP(
        out int pid, byte* file, PosixSpawnFileActions* fileActions, PosixSpawnAttr* attributes, byte** argv, byte** envp);

    /// <summary>posix_spawn(3): as <see cref="PosixSpawnP"/>, but <paramref name="path"/> is used as is, without a PATH search.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(
        out int pid, byte* path, PosixSpawnFileActions* fileActions, PosixSpawnAttr* attributes, byte** argv, byte** envp);

    /// <summary>posix_spawn_file_actions_init(3): returns 0 or an error number.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int PosixSpawnFileActionsInit(PosixSpawnFileActions* actions);

    /// <summary>posix_spawn_file_actions_destroy(3).</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int PosixSpawnFileActionsDestroy(PosixSpawnFileActions* actions);

    /// <summary>
    /// posix_spawn_file_actions_addopen(3): in the child, <paramref name="fd"/> is closed and
    /// <paramref name="path"/> opened in its place. The path is copied; returns 0 or an error number.
    /// </summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PosixSpawnFileActionsAddOpen(
        PosixSpawnFileActions* actions, int fd, string path, int flags, uint mode);

    /// <summary>
    /// posix_spawn_file_actions_adddup2(3): in the child, dup2(<paramref name="fd"/>, <paramref name="newFd"/>),
    /// which clears FD_CLOEXEC on the copy. Returns 0 or an error number.
    /// </summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int PosixSpawnFileActionsAddDup2(PosixSpawnFileActions* actions, int fd, int newFd);

    /// <summary>
    /// posix_spawn_file_actions_addchdir_np(3), glibc 2.29+: in the child, chdir(2) before exec; a
    /// failure (ENOENT, ENOTDIR, EACCES) is what posix_spawn returns. The path is copied.
    /// </summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawn_file_actions_addchdir_np", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PosixSpawnFileActionsAddChdir(PosixSpawnFileActions* actions, string path);

    /// <summary>posix_spawnattr_init(3): returns 0 or an error number.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_init")]
    public static partial int PosixSpawnAttrInit(PosixSpawnAttr* attributes);

    /// <summary>posix_spawnattr_destroy(3).</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int PosixSpawnAttrDestroy(PosixSpawnAttr* attributes);

    /// <summary>posix_spawnattr_setflags(3): returns 0 or an error number.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int PosixSpawnAttrSetFlags(PosixSpawnAttr* attributes, short flags);

    /// <summary>posix_spawnattr_setpgroup(3): pgroup 0 makes the child the leader of a new group.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int PosixSpawnAttrSetPGroup(PosixSpawnAttr* attributes, int processGroup);

    /// <summary>posix_spawnattr_setsigmask(3): the child's signal mask.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int PosixSpawnAttrSetSigMask(PosixSpawnAttr* attributes, SigSet* mask);

    /// <summary>posix_spawnattr_setsigdefault(3): signals reset to SIG_DFL in the child.</summary>
    [LibraryImport(Lib, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int PosixSpawnAttrSetSigDefault(PosixSpawnAttr* attributes, SigSet* signals);

    /// <summary>sigemptyset(3).</summary>
    [LibraryImport(Lib, EntryPoint = "sigemptyset", SetLastError = true)]
    public static partial int SigEmptySet(SigSet* set);

    /// <summary>sigfillset(3).</summary>
    [LibraryImport(Lib, EntryPoint = "sigfillset", SetLastError = true)]
    public static partial int SigFillSet(SigSet* set);

    /// <summary>strerror(3)-style text for an errno value.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
