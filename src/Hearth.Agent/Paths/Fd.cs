using Hearth.Agent.Interop;

namespace Hearth.Agent.Paths;

/// <summary>
/// An open file descriptor the file operations own: closed on dispose, exactly once. Operations
/// hold directories as descriptors and name only the last component in each call, so a path
/// is resolved once and a later rename or symlink swap cannot redirect them.
/// </summary>
internal sealed class Fd(int value) : IDisposable
{
    public int Value { get; private set; } = value;

    public void Dispose()
    {
        if (Value < 0) return;
        Libc.Close(Value);
        Value = -1;
    }
}
