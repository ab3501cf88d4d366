using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Hearth.Sdk.Runtime;
using Hearth.Sdk.Tests.Fakes;

namespace Hearth.Sdk.Tests.Runtime;

/// <summary>The socket protocol against a server-side WebSocket over a real loopback connection.</summary>
public sealed class RuntimeSocketTests : IAsyncLifetime
{
    private TcpClient? _clientTcp;
    private TcpClient? _serverTcp;
    private RuntimeSocket _socket = null!;
    private WebSocket _server = null!;

    public async Task InitializeAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _clientTcp = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await _clientTcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).Within();
        _serverTcp = await accept.Within();
        listener.Stop();
        _socket = new RuntimeSocket(WebSocket.CreateFromStream(_clientTcp.GetStream(), new WebSocketCreationOptions { IsServer = false }));
        _server = WebSocket.CreateFromStream(_serverTcp.GetStream(), new WebSocketCreationOptions { IsServer = true });
    }

    public async Task DisposeAsync()
    {
        await _socket.DisposeAsync();
        _server.Dispose();
        _clientTcp?.Dispose();
        _serverTcp?.Dispose();
    }

    [Fact]
    public async Task Input_is_a_binary_frame_of_the_id_byte_and_the_bytes()
    {
        await _socket.SendInputAsync("7", "ls\n"u8.ToArray()).Within();

        var (type, bytes) = await ServerReceiveAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(new byte[] { 7, (byte)'l', (byte)'s', (byte)'\n' }, bytes);
    }

    [Theory]
    [InlineData("256")]
    [InlineData("-1")]
    [InlineData("x")]
    [InlineData("")]
    public async Task Ids_that_do_not_fit_the_id_byte_are_refused(string id) =>
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _socket.SendInputAsync(id, new byte[] { 1 }));

    [Fact]
    public async Task Resize_is_the_official_json_text_frame()
    {
        await _socket.ResizeAsync("1", 160, 50).Within();

        var (type, bytes) = await ServerReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal("""{"channel":"terminal","type":"resize","id":"1","cols":160,"rows":50}""", Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task Output_exit_watcher_and_unknown_frames_become_messages_until_the_server_closes()
    {
        await ServerSendAsync(new byte[] { 1, (byte)'h', (byte)'i' }, WebSocketMessageType.Binary);
        await ServerSendAsync(new byte[] { 1 }, WebSocketMessageType.Binary); // carries nothing: dropped, as the official SDK does
        await ServerSendAsync("""{"channel":"terminal","type":"exit","id":"1","code":3}""");
        await ServerSendAsync("""{"channel":"watcher","type":"change","watcher_id":"w1","path":"/app/a.ts","op":"write"}""");
        await ServerSendAsync("""{"channel":"watcher","type":"ready","watcher_id":"w1","root":"/app","dirs":4}""");
        await ServerSendAsync("""{"channel":"watcher","type":"overflow","watcher_id":"w1","message":"queue overflow"}""");
        await ServerSendAsync("""{"type":"exit","id":2,"code":0}""");
        await ServerSendAsync("""{"channel":"desktop","type":"frame"}""");
        await ServerSendAsync("not json");
        await _server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).Within();

        var messages = await ExecClientTests.Collect(_socket.ReadAllAsync());

        Assert.Equal(8, messages.Count);
        var output = Assert.IsType<TerminalOutput>(messages[0]);
        Assert.Equal("1", output.TerminalId);
        Assert.Equal("hi"u8.ToArray(), output.Data.ToArray());
        Assert.Equal(new TerminalExit { TerminalId = "1", ExitCode = 3 }, messages[1]);
        var change = Assert.IsType<WatcherEvent>(messages[2]).Event;
        Assert.Equal(("change", "w1", "/app/a.ts", "write"), (change.Type, change.WatcherId, change.Path, change.Op));
        var ready = Assert.IsType<WatcherEvent>(messages[3]).Event;
        Assert.Equal(("ready", "/app", 4), (ready.Type, ready.Root, ready.Dirs));
        Assert.Equal("queue overflow", Assert.IsType<WatcherEvent>(messages[4]).Event.Message);
        Assert.Equal(new TerminalExit { TerminalId = "2", ExitCode = 0 }, messages[5]);
        Assert.Equal("""{"channel":"desktop","type":"frame"}""", Assert.IsType<UnknownSocketMessage>(messages[6]).Json);
        Assert.Equal("not json", Assert.IsType<UnknownSocketMessage>(messages[7]).Json);
    }

    [Fact]
    public async Task A_message_in_several_fragments_is_put_back_together()
    {
        var big = new byte[70_000];
        big[0] = 3;
        Random.Shared.NextBytes(big.AsSpan(1));
        await _server.SendAsync(big.AsMemory(0, 100), WebSocketMessageType.Binary, endOfMessage: false, CancellationToken.None).AsTask().Within();
        await _server.SendAsync(big.AsMemory(100), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None).AsTask().Within();
        await _server.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).Within();

        var output = Assert.IsType<TerminalOutput>(Assert.Single(await ExecClientTests.Collect(_socket.ReadAllAsync())));

        Assert.Equal("3", output.TerminalId);
        Assert.Equal(big.AsSpan(1).ToArray(), output.Data.ToArray());
    }

    [Fact]
    public async Task A_peer_that_vanishes_ends_the_messages()
    {
        _serverTcp!.Client.Shutdown(SocketShutdown.Both);
        _serverTcp.Dispose();

        var messages = await ExecClientTests.Collect(_socket.ReadAllAsync());

        Assert.Empty(messages);
    }

    [Fact]
    public async Task Sends_from_several_threads_are_not_interleaved()
    {
        var sends = Enumerable.Range(0, 20).Select(i => Task.Run(() => _socket.SendInputAsync("1", Encoding.ASCII.GetBytes(new string((char)('a' + i), 5000)))));
        var received = new List<byte[]>();
        var receive = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                received.Add((await ServerReceiveAsync()).Bytes);
            }
        });

        await Task.WhenAll(sends).Within();
        await receive.Within();

        Assert.All(received, frame => Assert.True(frame.Skip(1).All(b => b == frame[1]) && frame.Length == 5001));
    }

    private async Task ServerSendAsync(string text) => await ServerSendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    private async Task ServerSendAsync(byte[] bytes, WebSocketMessageType type) =>
        await _server.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None).Within();

    private async Task<(WebSocketMessageType Type, byte[] Bytes)> ServerReceiveAsync()
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _server.ReceiveAsync(chunk.AsMemory(), CancellationToken.None).AsTask().Within();
            buffer.Write(chunk, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return (result.MessageType, buffer.ToArray());
    }
}
