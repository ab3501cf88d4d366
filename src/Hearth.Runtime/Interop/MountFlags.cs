namespace Hearth.Runtime.Interop;

/// <summary>MS_* flags of mount(2).</summary>
internal static class MountFlags
{
    public const ulong ReadOnly = 1;
    public const ulong NoSuid = 2;
    public const ulong NoDev = 4;
}
