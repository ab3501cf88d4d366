using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;
using Xunit.Abstractions;

namespace Hearth.IntegrationTests.Runtime;

/// <summary><c>/files/transfer/download</c> and <c>/upload</c>: tar.gz archives streamed through the gateway.</summary>
public sealed class FilesTransferTests(WorkspaceFixture fixture, ITestOutputHelper output) : IClassFixture<WorkspaceFixture>
{
    private const string Manifest =
        "find . | sort; find . -type f -exec md5sum {} \\; | sort; find . -type l -exec readlink {} \\; | sort; find . -type f -exec stat -c '%n %a' {} \\; | sort";

    private RuntimeGatewayClient Runtime => fixture.Runtime;

    [Fact]
    public async Task A_tree_with_a_symlink_binary_unicode_and_empty_files_survives_download_and_upload()
    {
        await Runtime.ShAsync("rm -rf /src-tree /restore && mkdir -p /src-tree/app/sub/empty-dir /src-tree/app/node_modules/x && cd /src-tree/app " +
                              "&& printf 'héllo ✓' > 'ünï cödé.txt' && head -c 200000 /dev/urandom > sub/random.bin && touch sub/empty " +
                              "&& ln -s '../ünï cödé.txt' sub/link && chmod 0750 sub/random.bin && printf m > node_modules/x/i.js");

        var archive = await DownloadAsync("""{"paths":["/src-tree/app"],"exclude_patterns":["node_modules"]}""");
        var names = ReadNames(archive);
        var uploaded = await UploadAsync("/restore", archive);

        Assert.Contains("app/", names);
        Assert.Contains("app/sub/link", names);
        Assert.DoesNotContain(names, n => n.Contains("node_modules", StringComparison.Ordinal));
        uploaded.EnsureStatus(HttpStatusCode.OK);
        Assert.True(uploaded.Json.GetProperty("success").GetBoolean());
        Assert.Equal("/restore", uploaded.Json.GetProperty("dest").GetString());
        Assert.Equal(4, uploaded.Json.GetProperty("files_extracted").GetInt32());
        await Runtime.ShAsync("rm -rf /src-tree/app/node_modules");
        Assert.Equal(await Runtime.ShAsync("cd /src-tree && " + Manifest), await Runtime.ShAsync("cd /restore && " + Manifest));
    }

    [Fact]
    public async Task A_missing_path_is_a_404_before_any_archive_is_sent_and_bad_bodies_are_400s()
    {
        var missing = await Runtime.PostAsync("/files/transfer/download", """{"paths":["/tmp","/no/such/dir"]}""");
        var noPaths = await Runtime.PostAsync("/files/transfer/download", """{"paths":[]}""");
        var notStrings = await Runtime.PostAsync("/files/transfer/download", """{"paths":[1],"exclude_patterns":"x"}""");

        ApiAssert.Error(missing, HttpStatusCode.NotFound, "not_found");
        Assert.Contains("/no/such/dir", ApiAssert.Message(missing), StringComparison.Ordinal);
        ApiAssert.NamesField(noPaths, "paths");
        ApiAssert.NamesField(notStrings, "paths");
        ApiAssert.NamesField(notStrings, "exclude_patterns");
    }

    [Fact]
    public async Task Malicious_archives_are_400s_and_write_nothing_outside_dest()
    {
        await Runtime.ShAsync("rm -rf /up && mkdir -p /up/dest /up/outside && ln -s /up/outside /up/dest/out");
        var cases = new (string Name, byte[] Archive)[]
        {
            ("dot-dot", Tar(File("../escaped-dotdot"))),
            ("absolute", Tar(File("/up/outside/escaped-absolute"))),
            ("device node", Tar(new PaxTarEntry(TarEntryType.BlockDevice, "disk") { DeviceMajor = 8, DeviceMinor = 0 })),
            ("fifo", Tar(new PaxTarEntry(TarEntryType.Fifo, "pipe"))),
            ("absolute symlink out", Tar(new PaxTarEntry(TarEntryType.SymbolicLink, "etc") { LinkName = "/etc" })),
            ("relative symlink out", Tar(new PaxTarEntry(TarEntryType.SymbolicLink, "a/up") { LinkName = "../../outside" })),
            ("symlink then through it", Tar(new PaxTarEntry(TarEntryType.SymbolicLink, "ok") { LinkName = "." }, File("ok/../../escaped-through"))),
            ("through a symlink already there", Tar(File("out/escaped-existing"))),
            ("hard link out", Tar(new PaxTarEntry(TarEntryType.HardLink, "hl") { LinkName = "../outside/x" })),
            ("not gzip", Encoding.ASCII.GetBytes("definitely not a tar.gz")),
            ("empty", []),
        };

        foreach (var (name, archive) in cases)
        {
            var response = await UploadAsync("/up/dest", archive);
            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{name}: {(int)response.Status} {response.Body}");
            ApiAssert.Error(response, HttpStatusCode.BadRequest, "bad_request");
        }

        var forbidden = await UploadAsync("/proc/evil", Tar(File("x")));
        ApiAssert.Error(forbidden, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("/up\n/up/dest\n/up/dest/ok\n/up/dest/out\n/up/outside\n", await Runtime.ShAsync("find /up | sort"));
        Assert.Equal("none\n", await Runtime.ShAsync("ls / | grep -c escaped >/dev/null && echo found || echo none"));
    }

    [Fact]
    public async Task A_one_gibibyte_upload_streams_through_with_hearthd_memory_bounded()
    {
        const long size = 1L << 30;
        using var big = await RuntimeGatewayClient.ForNewWorkspaceAsync(fixture.Hearthd, """{"image":"busybox","config":{"disk_size_mb":4096}}""");
        var block = new byte[1 << 20];
        new Random(7).NextBytes(block);
        var expected = ExpectedMd5(block, size);

        var hearthd = fixture.Hearthd.Pid;
        var before = RssKiB(hearthd);
        long peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, RssKiB(hearthd));
                await Task.Delay(50);
            }
        });

        var clock = Stopwatch.StartNew();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var producer = Task.Run(async () =>
        {
            await using (var body = pipe.Writer.AsStream())
            {
                // Stored (uncompressed) gzip keeps the client's side cheap; the body really is 1 GiB.
                using var gzip = new GZipStream(body, CompressionLevel.NoCompression, leaveOpen: true);
                using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "big/one-gib.bin") { DataStream = new PatternStream(block, size) });
            }
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/files/transfer/upload?dest=/data")
        {
            Content = new StreamContent(pipe.Reader.AsStream()),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        using var response = await big.Http.SendAsync(request).Within(TimeSpan.FromMinutes(5));
        var body = await response.Content.ReadAsStringAsync().Within();
        await producer.Within();
        clock.Stop();
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"1 GiB upload: {clock.Elapsed.TotalSeconds:F1} s; hearthd VmRSS {before / 1024} MiB before, {peak / 1024} MiB at the highest (+{(peak - before) / 1024} MiB)");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var md5 = (await big.ShAsync("stat -c %s /data/big/one-gib.bin; md5sum /data/big/one-gib.bin")).Split('\n');
        Assert.Equal(size.ToString(System.Globalization.CultureInfo.InvariantCulture), md5[0]);
        Assert.Equal(expected, md5[1].Split(' ')[0]);
        Assert.True(peak - before < 128 * 1024, $"hearthd grew by {(peak - before) / 1024} MiB during the upload");
    }

    [Fact]
    public async Task The_official_sdk_writes_reads_lists_and_transfers_through_the_preload()
    {
        await OfficialSdk.RunAsync(fixture.Hearthd, "runtime-files.mjs", "compat: all runtime files calls passed");
    }

    private async Task<byte[]> DownloadAsync(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/files/transfer/download") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await Runtime.Http.SendAsync(request).Within();
        var bytes = await response.Content.ReadAsByteArrayAsync().Within();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("application/gzip", response.Content.Headers.ContentType?.MediaType);
        return bytes;
    }

    private async Task<ApiResponse> UploadAsync(string dest, byte[] archive)
    {
        using var content = new ByteArrayContent(archive);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/gzip");
        using var response = await Runtime.Http.PostAsync("/files/transfer/upload?dest=" + Uri.EscapeDataString(dest), content).Within();
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync().Within());
    }

    private static List<string> ReadNames(byte[] archive)
    {
        using var gzip = new GZipStream(new MemoryStream(archive), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var names = new List<string>();
        while (tar.GetNextEntry() is { } entry) names.Add(entry.Name);
        return names;
    }

    private static PaxTarEntry File(string name) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("evil"u8.ToArray()) };

    private static byte[] Tar(params TarEntry[] entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries) tar.WriteEntry(entry);
        }

        return output.ToArray();
    }

    private static string ExpectedMd5(byte[] block, long size)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        for (long done = 0; done < size; done += block.Length) md5.AppendData(block, 0, (int)Math.Min(block.Length, size - done));
        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    private static long RssKiB(int pid)
    {
        var line = System.IO.File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A block repeated up to a length, seekable so the tar writer knows the size up front.</summary>
    private sealed class PatternStream(byte[] block, long length) : Stream
    {
        public override long Length => length;
        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - Position);
            for (var done = 0; done < n;)
            {
                var at = (int)(Position % block.Length);
                var chunk = Math.Min(n - done, block.Length - at);
                block.AsSpan(at, chunk).CopyTo(buffer[done..]);
                done += chunk;
                Position += chunk;
            }

            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => Position + offset,
            _ => length + offset,
        };

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
