using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// A legacy <c>docker save</c> archive (<c>HEX/layer.tar</c>, <c>CONFIGHEX.json</c>,
/// <c>manifest.json</c>) of an image with a given number of tiny layers, made in memory: layer 1
/// is busybox (<c>/bin/busybox</c> and a <c>/bin/sh</c> link, so the workspace's agent has a
/// shell to run), every further layer one small file <c>/layers/NN</c>. The default command is
/// empty (the agent runs alone). Layers with the same content are the same layer (their diff_id
/// is their digest), so the 8- and 32-layer images share their first 8 layers on disk; a
/// workspace still mounts each of its layers once.
/// </summary>
internal static class SyntheticImage
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>The archive's bytes; <paramref name="tag"/> goes into RepoTags (the import names the image itself).</summary>
    public static byte[] DockerSave(string tag, int layerCount, string busyboxPath = "/bin/busybox")
    {
        if (!File.Exists(busyboxPath))
            throw new BenchException($"{busyboxPath} is missing (Debian's busybox-static, from scripts/setup-host.sh)");
        var layers = new List<byte[]> { BusyboxLayer(busyboxPath) };
        for (var i = 2; i <= layerCount; i++)
            layers.Add(FileLayer(i));
        var ids = layers.Select(Hex).ToList();

        var config = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/bin") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray([.. ids.Select(id => (JsonNode)("sha256:" + id))]) },
        });
        var configName = Hex(config) + ".json";
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray(tag),
            ["Layers"] = new JsonArray([.. ids.Select(id => (JsonNode)$"{id}/layer.tar")]),
        }));

        using var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (id, layer) in ids.Zip(layers).DistinctBy(p => p.First))
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, id + "/") { Mode = Executable });
                WriteFile(writer, $"{id}/layer.tar", layer, Readable);
            }
            WriteFile(writer, configName, config, Readable);
            WriteFile(writer, "manifest.json", manifest, Readable);
        }
        return archive.ToArray();
    }

    private static byte[] BusyboxLayer(string busyboxPath)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "bin/") { Mode = Executable });
            WriteFile(writer, "bin/busybox", File.ReadAllBytes(busyboxPath), Executable);
            writer.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, "bin/sh") { LinkName = "busybox", Mode = Executable });
        }
        return tar.ToArray();
    }

    private static byte[] FileLayer(int index)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "layers/") { Mode = Executable });
            WriteFile(writer, $"layers/{index:00}", System.Text.Encoding.ASCII.GetBytes($"layer {index}\n"), Readable);
        }
        return tar.ToArray();
    }

    private static void WriteFile(TarWriter writer, string name, byte[] content, UnixFileMode mode) =>
        writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = mode });

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
