namespace Hearth.Agent.Paths;

/// <summary>One entry of a directory: its name as the kernel has it (NUL-terminated) and as text, and its d_type.</summary>
internal readonly record struct DirectoryEntry(byte[] RawName, string Name, byte Type)
{
    /// <summary>Whether the name is valid UTF-8, so that <see cref="Name"/> names the entry exactly.</summary>
    public bool IsUtf8 => System.Text.Unicode.Utf8.IsValid(RawName.AsSpan(0, RawName.Length - 1));
}
