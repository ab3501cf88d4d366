using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Hearth.Agent.Tests.Files;

/// <summary>Hand-made tar.gz archives, including the malicious kinds an extractor must refuse.</summary>
internal static class TarBuilder
{
    public static byte[] File(string name, string content) => Build(new PaxTarEntry(TarEntryType.RegularFile, name)
    {
        DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
    });

    public static byte[] Symlink(string name, string target) => Build(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });

    public static byte[] Device(string name) => Build(new PaxTarEntry(TarEntryType.CharacterDevice, name) { DeviceMajor = 1, DeviceMinor = 3 });

    public static byte[] Build(params TarEntry[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries) tar.WriteEntry(entry);
        }

        return output.ToArray();
    }
}
