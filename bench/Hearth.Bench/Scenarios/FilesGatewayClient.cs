using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hearth.Bench.Host;

namespace Hearth.Bench.Scenarios;

/// <summary>
/// The runtime gateway's files endpoints (docs/design/runtime-files.md) as an SDK calls them:
/// one <see cref="HttpClient"/> whose connections stay open, the workspace's token as
/// <c>Authorization: Bearer</c>. Request bodies are built before the clock starts and replies
/// are read into a buffer of the caller's, so that a call's round trip (from sending the
/// request to the last byte of the reply) is the gateway's and the agent's work, not the
/// bench's allocations. Every reply is checked, after the clock stops.
/// </summary>
internal sealed class FilesGatewayClient : IDisposable
{
    private readonly HttpClient http;

    public FilesGatewayClient(string gatewayUrl, string token)
    {
        http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(gatewayUrl),
            // A 64 MiB call takes about a second; this only bounds a hang.
            Timeout = TimeSpan.FromMinutes(2),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>
    /// The JSON body of <c>POST /files/write</c> for binary content:
    /// <c>{"path":…,"content":"&lt;base64&gt;","encoding":"base64"}</c> (about 4/3 of the content).
    /// </summary>
    public static byte[] WriteBody(string path, byte[] content)
    {
        using var buffer = new MemoryStream(content.Length / 3 * 4 + 256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteBase64String("content", content);
            json.WriteString("encoding", "base64");
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary><c>POST /files/write</c> with a body from <see cref="WriteBody"/>: 201 with the file's <c>size</c>, which must be <paramref name="size"/>.</summary>
    public async Task<TimeSpan> WriteAsync(byte[] body, long size, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync("/files/write", Json(body), cancellationToken);
        var reply = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = clock.Elapsed;
        if (response.StatusCode != HttpStatusCode.Created)
            throw Failed("POST /files/write", response.StatusCode, reply);
        using var written = JsonDocument.Parse(reply);
        if (written.RootElement.GetProperty("size").GetInt64() != size)
            throw Failed("POST /files/write (size)", response.StatusCode, reply);
        return elapsed;
    }

    /// <summary>
    /// <c>GET /files/read?path=</c>: the whole reply goes into <paramref name="into"/>; its
    /// <c>size</c> must be <paramref name="size"/>, and its content as long as that size
    /// base64-encoded (the content itself is compared by <see cref="ReadContent"/>, untimed).
    /// Returns the round trip and the reply's length.
    /// </summary>
    public async Task<(TimeSpan Elapsed, int Length)> ReadAsync(string path, long size, byte[] into, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync("/files/read?path=" + Uri.EscapeDataString(path), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var length = await ReadToEnd.IntoAsync(await response.Content.ReadAsStreamAsync(cancellationToken), into, cancellationToken);
        var elapsed = clock.Elapsed;
        if (response.StatusCode != HttpStatusCode.OK)
            throw Failed("GET /files/read", response.StatusCode, into.AsSpan(0, length));
        CheckReadReply(into.AsSpan(0, length), size);
        return (elapsed, length);
    }

    /// <summary>
    /// <c>POST /files/transfer/upload?dest=</c> with a tar.gz body (sent from memory, streamed
    /// through the gateway to the agent as it arrives): 200 with <c>files_extracted</c>.
    /// </summary>
    public async Task<TimeSpan> UploadAsync(string dest, byte[] archive, int files, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var content = new ByteArrayContent(archive) { Headers = { ContentType = new MediaTypeHeaderValue("application/gzip") } };
        using var response = await http.PostAsync("/files/transfer/upload?dest=" + Uri.EscapeDataString(dest), content, cancellationToken);
        var reply = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = clock.Elapsed;
        if (response.StatusCode != HttpStatusCode.OK)
            throw Failed("POST /files/transfer/upload", response.StatusCode, reply);
        using var result = JsonDocument.Parse(reply);
        if (result.RootElement.GetProperty("files_extracted").GetInt32() != files)
            throw Failed("POST /files/transfer/upload (files_extracted)", response.StatusCode, reply);
        return elapsed;
    }

    /// <summary>
    /// <c>POST /files/transfer/download {"paths":[path]}</c>: the tar.gz goes into
    /// <paramref name="into"/> (unpacked by <see cref="FileArchive.SingleFile"/>, untimed).
    /// Returns the round trip and the archive's length.
    /// </summary>
    public async Task<(TimeSpan Elapsed, int Length)> DownloadAsync(string path, byte[] into, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string[]> { ["paths"] = [path] });
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/files/transfer/download") { Content = Json(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var length = await ReadToEnd.IntoAsync(await response.Content.ReadAsStreamAsync(cancellationToken), into, cancellationToken);
        var elapsed = clock.Elapsed;
        if (response.StatusCode != HttpStatusCode.OK)
            throw Failed("POST /files/transfer/download", response.StatusCode, into.AsSpan(0, length));
        return (elapsed, length);
    }

    /// <summary>The content of a <c>GET /files/read</c> reply as bytes: base64-decoded when it says <c>"encoding":"base64"</c>, else its UTF-8.</summary>
    public static byte[] ReadContent(ReadOnlyMemory<byte> reply)
    {
        using var document = JsonDocument.Parse(reply);
        var root = document.RootElement;
        var content = root.GetProperty("content");
        return root.TryGetProperty("encoding", out var encoding) && encoding.GetString() == "base64"
            ? content.GetBytesFromBase64()
            : Encoding.UTF8.GetBytes(content.GetString()!);
    }

    public void Dispose() => http.Dispose();

    /// <summary>
    /// The reply's <c>size</c> and the length of its <c>content</c> token, read without decoding
    /// (Utf8JsonReader still validates the whole document).
    /// </summary>
    private static void CheckReadReply(ReadOnlySpan<byte> reply, long size)
    {
        var reader = new Utf8JsonReader(reply);
        long? announced = null;
        int? contentLength = null;
        var base64 = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "size": announced = reader.GetInt64(); break;
                case "content": contentLength = reader.ValueSpan.Length; break;
                case "encoding": base64 = reader.ValueTextEquals("base64"u8); break;
            }
        }

        var expected = base64 ? (size + 2) / 3 * 4 : size;
        if (announced != size || contentLength != expected)
            throw new BenchException($"GET /files/read: size {announced?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"} and content of {contentLength} characters, expected size {size}");
    }

    // A header value is mutable: each request gets its own.
    private static ByteArrayContent Json(byte[] body) => new(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };

    private static BenchException Failed(string call, HttpStatusCode status, ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 600)]);
        return new BenchException($"{call}: HTTP {(int)status}: {(text.Length <= 300 ? text : text[..300] + "...")}");
    }
}
