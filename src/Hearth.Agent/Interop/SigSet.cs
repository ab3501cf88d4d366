using System.Runtime.CompilerServices;

namespace Hearth.Agent.Interop;

/// <summary>
/// Storage for a libc <c>sigset_t</c>: 1024 bits in glibc and musl (sigsetops(3)). Only libc
/// reads or writes it; ulong elements give it the alignment of the C type.
/// </summary>
[InlineArray(16)]
internal struct SigSet
{
    private ulong _element;
}
