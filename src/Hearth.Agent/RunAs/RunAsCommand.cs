using System.Runtime.InteropServices;
using Hearth.Agent.Interop;

namespace Hearth.Agent.RunAs;

/// <summary>
/// <c>hearth-agent run-as [--user U] [--workdir D] [--] CMD [ARGS...]</c>: becomes the image's
/// user, enters its working directory and execs CMD in its own place (README.md). Every failure
/// is one line on stderr and the exit code sh(1p) uses: 126 when the command cannot be run as
/// asked (user, groups, directory, an exec error), 127 when it is not found.
/// </summary>
internal sealed unsafe class RunAsCommand
{
    private const int CannotRun = 126;
    private const int NotFound = 127;

    private const string PasswdPath = "/etc/passwd";
    private const string GroupPath = "/etc/group";

    private readonly string? _user;
    private readonly string? _workdir;
    private readonly string[] _argv;

    private RunAsCommand(string? user, string? workdir, string[] argv)
    {
        _user = user;
        _workdir = workdir;
        _argv = argv;
    }

    /// <summary>
    /// Parses the arguments after "run-as"; null (a usage error) for an unknown option, an option
    /// without its value, a repeated one, or no CMD. An empty <c>--user</c> is the OCI spec's
    /// "not set": the command stays root.
    /// </summary>
    public static RunAsCommand? Parse(ReadOnlySpan<string> arguments)
    {
        string? user = null;
        string? workdir = null;
        while (arguments.Length > 0 && arguments[0].StartsWith('-'))
        {
            if (arguments[0] == "--")
            {
                arguments = arguments[1..];
                break;
            }

            if (arguments.Length < 2) return null;
            switch (arguments[0])
            {
                case "--user" when user is null:
                    user = arguments[1];
                    break;
                case "--workdir" when workdir is null && arguments[1].Length > 0:
                    workdir = arguments[1];
                    break;
                default:
                    return null;
            }

            arguments = arguments[2..];
        }

        if (arguments.Length == 0 || arguments[0].Length == 0) return null;
        return new RunAsCommand(user is { Length: > 0 } ? user : null, workdir, arguments.ToArray());
    }

    /// <summary>Execs CMD; returns (the exit code) only if something failed before or in the exec.</summary>
    public int Run()
    {
        Account? account = null;
        if (_user is not null)
        {
            account = Resolve(_user, out var error);
            if (account is null) return Fail(error);
        }

        // As runc does: the directory is entered while still root, so a directory the user may not
        // search (a root-only WORKDIR) works as it does under Docker; only if root is refused (a
        // root-squashing network filesystem) is it tried again as the user.
        var enteredAsRoot = _workdir is null || Libc.ChDir(_workdir) == 0;
        var chdirError = enteredAsRoot ? 0 : Marshal.GetLastPInvokeError();
        if (!enteredAsRoot && (account is null || chdirError is not (Libc.EACCES or Libc.EPERM)))
            return Fail($"cannot change to the working directory '{_workdir}': {Libc.Describe(chdirError)}");

        if (account is not null)
        {
            if (Become(account) is { } error) return Fail(error);
            if (!enteredAsRoot && Libc.ChDir(_workdir!) != 0)
                return Fail($"cannot change to the working directory '{_workdir}' as uid {account.Uid}: {Libc.Describe(Marshal.GetLastPInvokeError())}");

            // Always set, even if the environment has a HOME: crun puts root's there (from the
            // image's passwd) before the agent runs, and it is the user's that the command needs.
            Libc.SetEnv("HOME", account.Home, 1);
            if (account.Name is { } name)
            {
                Libc.SetEnv("USER", name, 1);
                Libc.SetEnv("LOGNAME", name, 1);
            }
        }

        return Exec();
    }

    /// <summary>Reads the image's account files (a missing one reads as empty, as in a scratch image) and resolves <paramref name="spec"/>.</summary>
    internal static Account? Resolve(string spec, out string error)
    {
        try
        {
            var users = PasswdEntry.ParseAll(ReadLines(PasswdPath));
            var groups = GroupEntry.ParseAll(ReadLines(GroupPath));
            return AccountResolver.Resolve(spec, users, groups, out error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read the account files: {e.Message}";
            return null;
        }
    }

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];

    /// <summary>
    /// setgroups, setresgid, setresuid, in this order: the first two need CAP_SETGID, which the
    /// last takes away (credentials(7)). Returns null, or why the switch did not happen.
    /// </summary>
    private static string? Become(Account account)
    {
        fixed (uint* groups = account.Groups)
        {
            if (Libc.SetGroups((nuint)account.Groups.Length, groups) != 0)
                return $"setgroups({string.Join(',', account.Groups)}): {DescribeSwitchError(Marshal.GetLastPInvokeError())}";
        }

        if (Libc.SetResGid(account.Gid, account.Gid, account.Gid) != 0)
            return $"setresgid({account.Gid}): {DescribeSwitchError(Marshal.GetLastPInvokeError())}";
        if (Libc.SetResUid(account.Uid, account.Uid, account.Uid) != 0)
            return $"setresuid({account.Uid}): {DescribeSwitchError(Marshal.GetLastPInvokeError())}";

        // A command that meant to drop root must not run as root because a call half-worked:
        // check all three ids (a saved uid of 0 would let the command take root back).
        if (Libc.GetResUid(out var real, out var effective, out var saved) != 0)
            return $"getresuid: {Libc.Describe(Marshal.GetLastPInvokeError())}";
        if (real != account.Uid || effective != account.Uid || saved != account.Uid)
            return $"the switch to uid {account.Uid} did not hold (uids {real}, {effective}, {saved})";
        return null;
    }

    /// <summary>EINVAL from set*id(2) is an id outside the user namespace's map (a workspace maps 0-65535), which is worth saying.</summary>
    private static string DescribeSwitchError(int error) =>
        Libc.Describe(error) + (error == Libc.EINVAL ? " (the id is not mapped in the workspace's user namespace)" : "");

    /// <summary>execvp(3) with libc's <c>environ</c>; returns only on failure.</summary>
    private int Exec()
    {
        // exec keeps ignored signals (execve(2)), and the .NET runtime ignores SIGPIPE; the
        // command must start with it at SIG_DFL, as init's posix_spawn gives every other process.
        Libc.Signal(Libc.SIGPIPE, Libc.SIG_DFL);

        var argv = (byte**)NativeMemory.AllocZeroed((nuint)_argv.Length + 1, (nuint)sizeof(byte*));
        for (var i = 0; i < _argv.Length; i++)
            argv[i] = (byte*)Marshal.StringToCoTaskMemUTF8(_argv[i]);
        Libc.ExecVP(argv[0], argv);

        // Still here: the exec failed. Nothing is freed, the process is about to end.
        var error = Marshal.GetLastPInvokeError();
        var notFound = IsNotFound(_argv[0], error);
        var reason = notFound && error == Libc.EACCES ? "not found on PATH" : Libc.Describe(error);
        return Fail($"cannot run '{_argv[0]}': {reason}", notFound ? NotFound : CannotRun);
    }

    /// <summary>
    /// Whether an exec failure means "not found" (127) rather than "found but not runnable" (126).
    /// execvp reports EACCES, not ENOENT, when a PATH directory was not searchable even though no
    /// directory held the command (a root-only directory left in PATH once the user is not root),
    /// so for a bare name the answer is whether a file of that name exists on PATH, as sh decides.
    /// </summary>
    private static bool IsNotFound(string command, int error)
    {
        if (error is Libc.ENOENT or Libc.ENOTDIR) return true;
        if (error != Libc.EACCES || command.Contains('/')) return false;
        // glibc's default when PATH is unset (execvp(3)).
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/bin:/usr/bin";
        foreach (var directory in path.Split(':'))
            if (File.Exists(Path.Combine(directory.Length == 0 ? "." : directory, command)))
                return false;
        return true;
    }

    private static int Fail(string message, int exitCode = CannotRun)
    {
        StandardError.WriteRaw("hearth-agent run-as: " + message + "\n");
        return exitCode;
    }
}
