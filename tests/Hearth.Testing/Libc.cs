using System.Runtime.InteropServices;

namespace Hearth.Testing;

internal static partial class Libc
{
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint Geteuid();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
