using System.Runtime.InteropServices;

namespace Hearth.Agent.Interop;

/// <summary>A <c>struct pollfd</c> (poll(2)); a negative <see cref="Fd"/> makes poll skip the entry.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short ReturnedEvents;
}
