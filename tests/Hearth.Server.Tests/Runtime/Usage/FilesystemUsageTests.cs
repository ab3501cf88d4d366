using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Hearth.Runtime.Disks;

namespace Hearth.Server.Tests.Runtime.Usage;

/// <summary>Disk figures of an unmounted workspace disk, from its ext4 superblock.</summary>
public sealed partial class FilesystemUsageTests : IDisposable
{
    private readonly TempDirectory dir = new();

    [Fact]
    public void A_fresh_image_matches_what_dumpe2fs_reads_from_it()
    {
        // The options of DiskImage.CreateAsync; mkfs of an image file needs no root.
        var image = Path.Combine(dir.Path, "disk.ext4");
        using (var file = File.Create(image)) file.SetLength(256L * 1024 * 1024);
        Run("mkfs.ext4", "-q", "-F", "-m", "0", "-E", "nodiscard", image);
        var header = Run("dumpe2fs", "-h", image);
        long Field(string name) => long.Parse(Regex.Match(header, $@"^{name}:\s+(\d+)", RegexOptions.Multiline).Groups[1].Value);

        var usage = FilesystemUsage.OfExt4Image(image);

        // statfs counts neither the metadata overhead as size nor as used.
        var size = (Field("Block count") - Field("Overhead clusters")) * Field("Block size");
        Assert.NotNull(usage);
        Assert.Equal(size, usage.Value.TotalBytes);
        Assert.Equal(size - Field("Free blocks") * Field("Block size"), usage.Value.UsedBytes);
        Assert.InRange(usage.Value.UsedBytes, 0, 1024 * 1024);
    }

    [Fact]
    public void The_high_halves_count_under_the_64bit_feature()
    {
        var superblock = new byte[1024];
        BinaryPrimitives.WriteUInt16LittleEndian(superblock.AsSpan(0x38), 0xEF53);
        BinaryPrimitives.WriteUInt32LittleEndian(superblock.AsSpan(0x60), 0x80);
        BinaryPrimitives.WriteUInt32LittleEndian(superblock.AsSpan(0x4), 1000);
        BinaryPrimitives.WriteUInt32LittleEndian(superblock.AsSpan(0x150), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(superblock.AsSpan(0xC), 400);
        BinaryPrimitives.WriteUInt32LittleEndian(superblock.AsSpan(0x18), 2); // 4 KiB blocks
        BinaryPrimitives.WriteUInt32LittleEndian(superblock.AsSpan(0x248), 100);

        var blocks = (1L << 32) + 1000 - 100;
        Assert.Equal(new FilesystemUsage((blocks - 400) * 4096, blocks * 4096), FilesystemUsage.ParseExt4Superblock(superblock));

        BinaryPrimitives.WriteUInt32LittleEndian(superblock.AsSpan(0x60), 0); // without 64bit the high halves are not there
        Assert.Equal(new FilesystemUsage((900 - 400) * 4096L, 900 * 4096L), FilesystemUsage.ParseExt4Superblock(superblock));
    }

    [Fact]
    public void Something_that_is_not_ext4_has_no_figures()
    {
        Assert.Null(FilesystemUsage.ParseExt4Superblock(new byte[1024]));
        Assert.Null(FilesystemUsage.OfExt4Image(dir.Write("small", "not a disk")));
        Assert.Null(FilesystemUsage.OfExt4Image(Path.Combine(dir.Path, "missing.ext4")));
    }

    private static string Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), $"{program} did not finish");
        Assert.True(process.ExitCode == 0, $"{program} failed: {error.Result}");
        return output.Result;
    }

    public void Dispose() => dir.Dispose();
}
