using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Hearth.Server.RuntimeApi;
using Hearth.Server.RuntimeApi.Terminals;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hearth.Server.Tests.RuntimeApi.Terminals;

/// <summary>
/// <see cref="RuntimeSocket"/> over a real loopback WebSocket, for what needs no agent: text
/// messages published for the workspace, and the ends of a connection. Terminal traffic is
/// covered end to end by the integration tests.
/// </summary>
public sealed class RuntimeSocketTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Messages_published_for_the_workspace_are_forwarded_as_text()
    {
        var events = new WorkspaceEvents();
        await using var pair = await SocketPair.OpenAsync();
        var socket = new RuntimeSocket(pair.Server, new WorkspaceTerminals("ws-a", null!), events, () => true, NullLogger<RuntimeSocket>.Instance);
        var run = socket.RunAsync();
        const string message = """{"channel":"watcher","type":"ready","watcher_id":"w1","root":"/","dirs":1}""";

        // The socket subscribes as it starts: publish until the first message gets through.
        var buffer = new byte[4096];
        var receiving = pair.Client.ReceiveAsync(buffer, CancellationToken.None);
        while (!receiving.IsCompleted)
        {
            events.Publish("ws-b", """{"channel":"watcher","type":"change","watcher_id":"other"}""");
            events.Publish("ws-a", message);
            await Task.WhenAny(receiving, Task.Delay(50));
        }

        var result = await receiving.WaitAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        Assert.Equal(message, Encoding.UTF8.GetString(buffer, 0, result.Count));
        await pair.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(Timeout);
        await run.WaitAsync(Timeout);
    }

    [Fact]
    public async Task A_replaced_socket_is_closed_with_4001()
    {
        await using var pair = await SocketPair.OpenAsync();
        var socket = new RuntimeSocket(pair.Server, new WorkspaceTerminals("ws-a", null!), new WorkspaceEvents(), () => true, NullLogger<RuntimeSocket>.Instance);
        var run = socket.RunAsync();

        socket.Replace();
        var result = await pair.Client.ReceiveAsync(new byte[1024], CancellationToken.None).WaitAsync(Timeout);
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(Timeout);
        await run.WaitAsync(Timeout);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(RuntimeSocket.ReplacedStatus, pair.Client.CloseStatus);
        Assert.Equal(RuntimeSocket.ReplacedDescription, pair.Client.CloseStatusDescription);
    }

    [Fact]
    public async Task A_socket_of_a_workspace_run_that_ended_is_closed_with_1001()
    {
        await using var pair = await SocketPair.OpenAsync();
        var runs = true;
        var socket = new RuntimeSocket(pair.Server, new WorkspaceTerminals("ws-a", null!), new WorkspaceEvents(), () => Volatile.Read(ref runs), NullLogger<RuntimeSocket>.Instance);
        var run = socket.RunAsync();
        await Task.Delay(1500);
        Assert.False(run.IsCompleted);

        Volatile.Write(ref runs, false);
        var result = await pair.Client.ReceiveAsync(new byte[1024], CancellationToken.None).WaitAsync(Timeout);
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).WaitAsync(Timeout);
        await run.WaitAsync(Timeout);

        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, pair.Client.CloseStatus);
        Assert.Equal(RuntimeSocket.StoppedDescription, pair.Client.CloseStatusDescription);
    }

    [Fact]
    public async Task A_client_that_vanishes_ends_the_socket()
    {
        await using var pair = await SocketPair.OpenAsync();
        var socket = new RuntimeSocket(pair.Server, new WorkspaceTerminals("ws-a", null!), new WorkspaceEvents(), () => true, NullLogger<RuntimeSocket>.Instance);
        var run = socket.RunAsync();

        pair.Client.Abort();
        pair.DropClient();

        await run.WaitAsync(Timeout);
        Assert.NotEqual(WebSocketState.Open, pair.Server.State);
    }

    /// <summary>Two ends of a WebSocket over a loopback TCP connection.</summary>
    private sealed class SocketPair : IAsyncDisposable
    {
        private readonly TcpClient client;
        private readonly TcpClient server;

        private SocketPair(TcpClient client, TcpClient server)
        {
            this.client = client;
            this.server = server;
            Client = WebSocket.CreateFromStream(client.GetStream(), new WebSocketCreationOptions { IsServer = false });
            Server = WebSocket.CreateFromStream(server.GetStream(), new WebSocketCreationOptions { IsServer = true });
        }

        public WebSocket Client { get; }

        public WebSocket Server { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new TcpClient();
            var accept = listener.AcceptTcpClientAsync();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(Timeout);
            return new SocketPair(client, await accept.WaitAsync(Timeout));
        }

        /// <summary>Closes the client's TCP connection without a WebSocket close.</summary>
        public void DropClient() => client.Close();

        public ValueTask DisposeAsync()
        {
            Client.Dispose();
            Server.Dispose();
            client.Dispose();
            server.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
