using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hearth.IntegrationTests.Images.Oci;

/// <summary>
/// A registry that misbehaves on purpose: HTTP/1.1 on 127.0.0.1:&lt;free port&gt; written as raw
/// bytes, one request per connection (<c>Connection: close</c>), so a test can stall after the
/// headers, send an endless chunked body or more bytes than it announced — what a real server
/// library would not let it do. <see cref="Paths"/> records every request it read.
/// </summary>
internal sealed class FakeRegistry : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, Stream, CancellationToken, Task> answer;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentQueue<string> paths = new();
    private readonly Task loop;

    /// <param name="answer">Writes the whole response for a request path to the stream.</param>
    public FakeRegistry(Func<string, Stream, CancellationToken, Task> answer)
    {
        this.answer = answer;
        listener.Start();
        Host = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        loop = Task.Run(AcceptAsync);
    }

    /// <summary><c>127.0.0.1:PORT</c>.</summary>
    public string Host { get; }

    /// <summary>The path and query of every request read so far, in order.</summary>
    public IReadOnlyList<string> Paths => [.. paths];

    /// <summary>An answer with a body and a Content-Length.</summary>
    public static async Task RespondAsync(Stream stream, int status, byte[] body, CancellationToken cancellationToken, params string[] headers)
    {
        await WriteHeadAsync(stream, status, [$"Content-Length: {body.Length}", .. headers], cancellationToken);
        await stream.WriteAsync(body, cancellationToken);
    }

    public static Task RespondAsync(Stream stream, int status, string body, CancellationToken cancellationToken, params string[] headers) =>
        RespondAsync(stream, status, Encoding.UTF8.GetBytes(body), cancellationToken, headers);

    /// <summary>The status line and headers (plus <c>Connection: close</c>), flushed.</summary>
    public static async Task WriteHeadAsync(Stream stream, int status, IEnumerable<string> headers, CancellationToken cancellationToken)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {(HttpStatusCode)status}\r\n");
        foreach (var header in headers.Append("Connection: close")) head.Append(header).Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>A chunked body of <paramref name="chunks"/> chunks of <paramref name="chunk"/> bytes each; stops when the client goes away.</summary>
    public static async Task RespondChunkedAsync(Stream stream, string contentType, byte chunkByte, int chunk, int chunks, CancellationToken cancellationToken)
    {
        await WriteHeadAsync(stream, 200, ["Transfer-Encoding: chunked", $"Content-Type: {contentType}"], cancellationToken);
        var data = Encoding.ASCII.GetBytes($"{chunk:x}\r\n").Concat(Enumerable.Repeat(chunkByte, chunk)).Concat("\r\n"u8.ToArray()).ToArray();
        for (var i = 0; i < chunks; i++) await stream.WriteAsync(data, cancellationToken);
        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancellationToken);
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new List<byte>();
                var one = new byte[1];
                while (head.Count < 65536 && !(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
                {
                    if (await stream.ReadAsync(one, stopping.Token) == 0) return;
                    head.Add(one[0]);
                }
                var requestLine = Encoding.ASCII.GetString([.. head]).Split("\r\n")[0].Split(' ');
                paths.Enqueue(requestLine[1]);
                await answer(requestLine[1], stream, stopping.Token);
                await stream.FlushAsync(stopping.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // The client went away (as the tests make it do) or the registry is stopping.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        stopping.Dispose();
    }
}
