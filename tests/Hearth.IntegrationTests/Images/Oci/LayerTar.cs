using System.Formats.Tar;
using System.IO.Compression;

namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>Builds a layer tar in memory, entry by entry, the way image tools write them (PAX, "./" optional).</summary>
internal sealed class LayerTar
{
    private readonly MemoryStream stream = new();
    private readonly TarWriter writer;

    public LayerTar() => writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);

    public static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    public static readonly DateTimeOffset Time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    public LayerTar Dir(string name, string mode = "755", int uid = 0, int gid = 0) =>
        Add(new PaxTarEntry(TarEntryType.Directory, name) { Mode = Mode(mode), Uid = uid, Gid = gid, ModificationTime = Time });

    public LayerTar File(string name, string content, string mode = "644", int uid = 0, int gid = 0, IEnumerable<KeyValuePair<string, string>>? pax = null)
    {
        var entry = pax is null ? new PaxTarEntry(TarEntryType.RegularFile, name) : new PaxTarEntry(TarEntryType.RegularFile, name, pax);
        entry.Mode = Mode(mode);
        entry.Uid = uid;
        entry.Gid = gid;
        entry.ModificationTime = Time;
        entry.DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content));
        return Add(entry);
    }

    public LayerTar Symlink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = Time });

    public LayerTar HardLink(string name, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, ModificationTime = Time });

    public LayerTar Fifo(string name, string mode = "640") =>
        Add(new PaxTarEntry(TarEntryType.Fifo, name) { Mode = Mode(mode), ModificationTime = Time });

    public LayerTar Device(string name, TarEntryType type) =>
        Add(new PaxTarEntry(type, name) { DeviceMajor = 1, DeviceMinor = 3, Mode = Mode("666"), ModificationTime = Time });

    /// <summary>A whiteout: <c>dir/.wh.name</c> deletes <c>dir/name</c> of the layers below.</summary>
    public LayerTar Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        return File(slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..], "");
    }

    /// <summary>Marks a directory opaque: nothing below it shows through.</summary>
    public LayerTar Opaque(string dir) => File(dir.TrimEnd('/') + "/.wh..wh..opq", "");

    public LayerTar Add(TarEntry entry)
    {
        writer.WriteEntry(entry);
        return this;
    }

    public byte[] Build()
    {
        writer.Dispose();
        return stream.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }
}
