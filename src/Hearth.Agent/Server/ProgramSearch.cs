using Hearth.Agent.Interop;

namespace Hearth.Agent.Server;

/// <summary>
/// Finds the program of a <c>spawn</c> as execvp(3) does, but in the PATH the process will get:
/// posix_spawnp(3) searches the agent's own PATH, which a request may override.
/// </summary>
internal static class ProgramSearch
{
    /// <summary>What glibc's execvp uses when PATH is not set (confstr(3), _CS_PATH).</summary>
    private const string DefaultPath = "/bin:/usr/bin";

    /// <summary>
    /// Resolves <paramref name="name"/>: a name with a slash is used as is (the kernel resolves
    /// a relative one after the child's chdir); otherwise the first executable regular file
    /// named so in a PATH entry, an empty entry meaning the working directory. Returns 0, or
    /// ENOENT (nothing found) or EACCES (found only files it may not execute), as execvp would.
    /// </summary>
    public static int Find(string name, string? pathVariable, string workingDirectory, out string program)
    {
        program = name;
        if (name.Contains('/')) return 0;
        if (name.Length == 0) return Libc.ENOENT;

        var denied = false;
        foreach (var entry in (pathVariable ?? DefaultPath).Split(':'))
        {
            var directory = entry.Length == 0 ? "." : entry;
            if (directory[0] != '/')
                directory = workingDirectory.TrimEnd('/') + "/" + directory;
            var candidate = directory.TrimEnd('/') + "/" + name;
            if (!File.Exists(candidate)) continue;
            if (Libc.Access(candidate, Libc.X_OK) == 0)
            {
                program = candidate;
                return 0;
            }

            denied = true;
        }

        return denied ? Libc.EACCES : Libc.ENOENT;
    }
}
