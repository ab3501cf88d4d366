using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hearth.IntegrationTests.Infrastructure;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Runtime;

/// <summary><c>/files/write</c> and <c>/files/read</c> through the runtime gateway into a real workspace, byte for byte.</summary>
public sealed class FilesRoundTripTests(WorkspaceFixture fixture) : IClassFixture<WorkspaceFixture>
{
    private RuntimeGatewayClient Runtime => fixture.Runtime;

    [Fact]
    public async Task Text_with_unicode_names_escapes_and_control_characters_comes_back_exactly()
    {
        const string path = "/rt/text/héllo wörld ✓.txt";
        const string content = "line 1\nünïcödé ✓ 😀\n\ttab \"quoted\" \\ back\u0001\u001f ctl\r\nlast";

        var written = (await WriteAsync(new { path, content })).EnsureStatus(HttpStatusCode.Created).Json;
        var read = (await Runtime.GetAsync(Query("/files/read", ("path", path)))).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.True(written.GetProperty("success").GetBoolean());
        Assert.Equal(path, written.GetProperty("path").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(content), written.GetProperty("size").GetInt64());
        Assert.Equal(content, read.GetProperty("content").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(content), read.GetProperty("size").GetInt64());
        Assert.Equal(4, read.GetProperty("lines").GetInt32());
        Assert.Equal("txt", read.GetProperty("extension").GetString());
        Assert.False(read.TryGetProperty("encoding", out _));
        Assert.Equal(Md5(Encoding.UTF8.GetBytes(content)), await Md5InWorkspaceAsync(path));
    }

    [Fact]
    public async Task An_empty_file_round_trips()
    {
        (await WriteAsync(new { path = "/rt/empty", content = "" })).EnsureStatus(HttpStatusCode.Created);
        var read = (await Runtime.GetAsync("/files/read?path=/rt/empty")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.Equal("", read.GetProperty("content").GetString());
        Assert.Equal(0, read.GetProperty("size").GetInt64());
        Assert.Equal(0, read.GetProperty("lines").GetInt32());
        Assert.Equal("0\n", await Runtime.ShAsync("stat -c %s /rt/empty"));
    }

    [Fact]
    public async Task Binary_bytes_with_NUL_and_invalid_utf8_go_in_and_come_back_as_base64()
    {
        var bytes = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(new byte[] { 0xC3, 0x28, 0x00, 0xFF, 0xE2, 0x82 }).ToArray();

        var written = (await WriteAsync(new { path = "/rt/bin/blob.bin", content = Convert.ToBase64String(bytes), encoding = "base64" }))
            .EnsureStatus(HttpStatusCode.Created).Json;
        var read = (await Runtime.GetAsync("/files/read?path=/rt/bin/blob.bin")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.Equal(bytes.Length, written.GetProperty("size").GetInt64());
        Assert.Equal("base64", read.GetProperty("encoding").GetString());
        Assert.Equal(bytes, Convert.FromBase64String(read.GetProperty("content").GetString()!));
        Assert.Equal(Md5(bytes), await Md5InWorkspaceAsync("/rt/bin/blob.bin"));
    }

    [Fact]
    public async Task Several_megabytes_go_through_the_dedicated_connection_both_ways()
    {
        var bytes = new byte[3 * 1024 * 1024 + 7];
        new Random(42).NextBytes(bytes);

        (await WriteAsync(new { path = "/rt/big/random", content = Convert.ToBase64String(bytes), encoding = "base64" }))
            .EnsureStatus(HttpStatusCode.Created);
        var read = (await Runtime.GetAsync("/files/read?path=/rt/big/random")).EnsureStatus(HttpStatusCode.OK).Json;
        var text = string.Concat(Enumerable.Repeat("0123456789abcdef\n", 200_000));
        (await Runtime.SendAsync(HttpMethod.Put, "/files/write", Json(new { path = "/rt/big/text", content = text }))).EnsureStatus(HttpStatusCode.Created);
        var readText = (await Runtime.GetAsync("/files/read?path=/rt/big/text")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.Equal(bytes, Convert.FromBase64String(read.GetProperty("content").GetString()!));
        Assert.Equal(Md5(bytes), await Md5InWorkspaceAsync("/rt/big/random"));
        Assert.Equal(text, readText.GetProperty("content").GetString());
        Assert.Equal(200_000, readText.GetProperty("lines").GetInt32());
    }

    [Fact]
    public async Task Line_ranges_are_one_based_inclusive_and_can_be_numbered()
    {
        (await WriteAsync(new { path = "/rt/lines.py", content = "a\nb\nc\nd\ne" })).EnsureStatus(HttpStatusCode.Created);

        var middle = (await Runtime.GetAsync("/files/read?path=/rt/lines.py&start_line=2&end_line=4")).EnsureStatus(HttpStatusCode.OK).Json;
        var tail = (await Runtime.GetAsync("/files/read?path=/rt/lines.py&start_line=5")).EnsureStatus(HttpStatusCode.OK).Json;
        var numbered = (await Runtime.GetAsync("/files/read?path=/rt/lines.py&end_line=2&with_line_numbers=true")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.Equal("b\nc\nd\n", middle.GetProperty("content").GetString());
        Assert.Equal(2, middle.GetProperty("start_line").GetInt32());
        Assert.Equal(4, middle.GetProperty("end_line").GetInt32());
        Assert.Equal(5, middle.GetProperty("lines").GetInt32());
        Assert.Equal("e", tail.GetProperty("content").GetString());
        Assert.Equal("     1\ta\n     2\tb\n", numbered.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Append_adds_and_mode_is_set_then_kept_by_later_writes()
    {
        (await WriteAsync(new { path = "/rt/mode/secret", content = "one", mode = "0600" })).EnsureStatus(HttpStatusCode.Created);
        (await WriteAsync(new { path = "/rt/mode/secret", content = "two" })).EnsureStatus(HttpStatusCode.Created);
        var appended = (await WriteAsync(new { path = "/rt/mode/secret", content = "+three", append = true })).EnsureStatus(HttpStatusCode.Created).Json;
        var stat = (await Runtime.GetAsync("/files/stat?path=/rt/mode/secret")).EnsureStatus(HttpStatusCode.OK).Json;

        Assert.Equal(9, appended.GetProperty("size").GetInt64());
        Assert.Equal("two+three", await Runtime.ShAsync("cat /rt/mode/secret"));
        Assert.Equal("0600", stat.GetProperty("permissions").GetString());
        Assert.Equal("0\n", await Runtime.ShAsync("ls -a /rt/mode | grep -c hearth-tmp || true"));
    }

    [Fact]
    public async Task Missing_parents_are_created_by_default_and_an_explicit_false_is_a_404_naming_the_parent()
    {
        (await WriteAsync(new { path = "/task/run.py", content = "print('hi')\n" })).EnsureStatus(HttpStatusCode.Created);
        var refused = await WriteAsync(new { path = "/not/there/x.txt", content = "x", create_dirs = false });

        Assert.Equal("print('hi')\n", await Runtime.ShAsync("cat /task/run.py"));
        ApiAssert.Error(refused, HttpStatusCode.NotFound, "not_found");
        Assert.Contains("/not/there", ApiAssert.Message(refused), StringComparison.Ordinal);
        Assert.Equal("no\n", await Runtime.ShAsync("test -e /not && echo yes || echo no"));
    }

    [Fact]
    public async Task A_file_above_the_read_limit_is_413_but_a_line_range_of_it_reads()
    {
        await Runtime.ShAsync("yes | head -c 67108866 > /rt-huge");

        var whole = await Runtime.GetAsync("/files/read?path=/rt-huge");
        var range = (await Runtime.GetAsync("/files/read?path=/rt-huge&start_line=3&end_line=4")).EnsureStatus(HttpStatusCode.OK).Json;
        await Runtime.ShAsync("rm /rt-huge");

        ApiAssert.Error(whole, HttpStatusCode.RequestEntityTooLarge, "too_large");
        Assert.Contains("67108866", ApiAssert.Message(whole), StringComparison.Ordinal);
        Assert.Equal("y\ny\n", range.GetProperty("content").GetString());
        Assert.Equal(33554433, range.GetProperty("lines").GetInt64());
    }

    [Fact]
    public async Task Missing_paths_are_404s_naming_them_and_bad_input_is_a_400_naming_the_field()
    {
        var missing = await Runtime.GetAsync("/files/read?path=/no/such/file.txt");
        var noPath = await Runtime.GetAsync("/files/read");
        var directory = await Runtime.GetAsync("/files/read?path=/rt");
        var badRange = await Runtime.GetAsync("/files/read?path=/x&start_line=0");
        var noContent = await WriteAsync(new { path = "/rt/x" });
        var badMode = await WriteAsync(new { path = "/rt/x", content = "x", mode = "999" });
        var badBase64 = await WriteAsync(new { path = "/rt/x", content = "!!!", encoding = "base64" });
        var notJson = await Runtime.SendAsync(HttpMethod.Post, "/files/write", "{nope");

        ApiAssert.Error(missing, HttpStatusCode.NotFound, "not_found");
        Assert.Contains("/no/such/file.txt", ApiAssert.Message(missing), StringComparison.Ordinal);
        ApiAssert.NamesField(noPath, "path");
        ApiAssert.Error(directory, HttpStatusCode.BadRequest, "bad_request");
        ApiAssert.NamesField(badRange, "start_line");
        ApiAssert.NamesField(noContent, "content");
        ApiAssert.NamesField(badMode, "mode");
        ApiAssert.NamesField(badBase64, "content");
        ApiAssert.Status(notJson, HttpStatusCode.BadRequest);
    }

    private Task<ApiResponse> WriteAsync(object body) => Runtime.PostAsync("/files/write", Json(body));

    private async Task<string> Md5InWorkspaceAsync(string path) =>
        (await Runtime.ShAsync($"md5sum '{path}'")).Split(' ')[0];

    internal static string Json(object body) => JsonSerializer.Serialize(body);

    internal static string Query(string path, params (string Name, string Value)[] parameters) =>
        path + "?" + string.Join('&', parameters.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));

    private static string Md5(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));
}
