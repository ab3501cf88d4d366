using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>
/// The libc calls of <c>hearth-agent run-as</c>: a change of user (credentials(7)), then an exec
/// that replaces the agent. glibc's set*id wrappers apply the change to every thread of the
/// process (nptl(7), "the set*id() functions"), so the runtime's own threads cannot keep root.
/// </summary>
internal static unsafe partial class Libc
{
    public const int SIGPIPE = 13;

    /// <summary>signal(2)'s SIG_DFL.</summary>
    public const nint SIG_DFL = 0;

    /// <summary>setgroups(2): the supplementary group list; needs CAP_SETGID.</summary>
    [LibraryImport(Lib, EntryPoint = "setgroups", SetLastError = true)]
    public static partial int SetGroups(nuint size, uint* list);

    /// <summary>setresgid(2): real, effective and saved group ids.</summary>
    [LibraryImport(Lib, EntryPoint = "setresgid", SetLastError = true)]
    public static partial int SetResGid(uint realGid, uint effectiveGid, uint savedGid);

    /// <summary>setresuid(2): real, effective and saved user ids; leaving uid 0 for good clears the capabilities (capabilities(7)).</summary>
    [LibraryImport(Lib, EntryPoint = "setresuid", SetLastError = true)]
    public static partial int SetResUid(uint realUid, uint effectiveUid, uint savedUid);

    /// <summary>getresuid(2).</summary>
    [LibraryImport(Lib, EntryPoint = "getresuid", SetLastError = true)]
    public static partial int GetResUid(out uint realUid, out uint effectiveUid, out uint savedUid);

    /// <summary>chdir(2).</summary>
    [LibraryImport(Lib, EntryPoint = "chdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ChDir(string path);

    /// <summary>setenv(3): changes libc's <c>environ</c>, which execvp passes on (not .NET's copy of the environment).</summary>
    [LibraryImport(Lib, EntryPoint = "setenv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetEnv(string name, string value, int overwrite);

    /// <summary>signal(2): returns the previous handler, or SIG_ERR (-1).</summary>
    [LibraryImport(Lib, EntryPoint = "signal", SetLastError = true)]
    public static partial nint Signal(int signal, nint handler);

    /// <summary>
    /// execvp(3): searches PATH (from <c>environ</c>) when <paramref name="file"/> has no slash and
    /// runs it with <c>environ</c>; returns only on failure, -1 with errno.
    /// </summary>
    [LibraryImport(Lib, EntryPoint = "execvp", SetLastError = true)]
    public static partial int ExecVP(byte* file, byte** argv);
}
