using System.Runtime.InteropServices;

namespace Hearth.Runtime.Interop;

/// <summary>setns(2): moves the calling thread (only that thread) into another namespace.</summary>
internal static partial class Namespaces
{
    public const int CLONE_NEWNET = 0x40000000;

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int Setns(int fd, int nstype);
}
