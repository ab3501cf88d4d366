using System.Runtime.CompilerServices;

namespace Hearth.Agent.Interop;

/// <summary>
/// Storage for a libc <c>posix_spawn_file_actions_t</c>, which is opaque
/// (posix_spawn_file_actions_init(3)): 80 bytes on x86_64 and aarch64 in both glibc and musl.
/// </summary>
[InlineArray(10)]
internal struct PosixSpawnFileActions
{
    private ulong _element;
}
