using System.Runtime.CompilerServices;

namespace Hearth.Agent.Interop;

/// <summary>
/// Storage for a libc <c>posix_spawnattr_t</c>, which is opaque (posix_spawnattr_init(3)):
/// 336 bytes on x86_64 and aarch64 in both glibc (spawn.h) and musl. Only libc touches it.
/// </summary>
[InlineArray(42)]
internal struct PosixSpawnAttr
{
    private ulong _element;
}
