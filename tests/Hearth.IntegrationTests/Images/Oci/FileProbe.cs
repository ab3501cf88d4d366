using System.Runtime.InteropServices;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>What a layer folder holds, read from the host: stat(1) for types and owners, lgetxattr(2) for overlay markers.</summary>
internal static partial class FileProbe
{
    /// <summary><c>stat -c FORMAT</c> of the entry itself (never a symlink's target).</summary>
    public static async Task<string> StatAsync(string path, string format)
    {
        var stat = await Command.RunAsync("stat", ["-c", format, path]).Within();
        Assert.True(stat.ExitCode == 0, $"stat {path}: {stat}");
        return stat.Stdout.Trim();
    }

    /// <summary>A file system entry (of any type, a dangling symlink included) exists.</summary>
    public static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    public static string? Xattr(string path, string name)
    {
        var buffer = new byte[256];
        var size = LGetXattr(path, name, buffer, (nuint)buffer.Length);
        return size < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)size);
    }

#pragma warning disable SYSLIB1054 // a DllImport keeps this test project free of unsafe code
    [DllImport("libc", EntryPoint = "lgetxattr", SetLastError = true)]
    private static extern nint LGetXattr([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size);
#pragma warning restore SYSLIB1054
}
