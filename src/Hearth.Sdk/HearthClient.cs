using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <summary>
/// A client of one Hearth server's control-plane API. It is thread-safe; create one and share it.
/// Every failed call throws a <see cref="HearthApiException"/> (or one of its subclasses).
/// </summary>
/// <example>
/// <code>
/// using var client = new HearthClient("http://127.0.0.1:7070", "admin", secret);
/// var workspace = await client.Workspaces.CreateAsync(new CreateWorkspaceRequest { Image = "node-20" });
/// Console.WriteLine($"{workspace.Id} is {workspace.Status}");
/// </code>
/// </example>
public sealed class HearthClient : IDisposable
{
    private readonly HearthConnection _connection;

    /// <summary>Creates a client from options.</summary>
    /// <param name="options">Address, credentials and, optionally, the <see cref="HttpClient"/> to use.</param>
    /// <exception cref="ArgumentException">The address is not absolute http(s), or a credential is empty.</exception>
    /// <example>
    /// <code>
    /// using var client = new HearthClient(new HearthClientOptions
    /// {
    ///     BaseAddress = new Uri("http://127.0.0.1:7070"),
    ///     ClientId = "admin",
    ///     ClientSecret = secret,
    /// });
    /// </code>
    /// </example>
    public HearthClient(HearthClientOptions options)
    {
        _connection = new HearthConnection(options);
        Workspaces = new WorkspacesClient(_connection);
    }

    /// <summary>Creates a client that owns its own <see cref="HttpClient"/>.</summary>
    /// <param name="baseUrl">The API's address, such as <c>http://127.0.0.1:7070</c>.</param>
    /// <param name="clientId">Sent as <c>X-Client-ID</c>.</param>
    /// <param name="clientSecret">Sent as <c>X-Client-Secret</c>.</param>
    /// <example>
    /// <code>
    /// using var client = new HearthClient("http://127.0.0.1:7070", "admin", secret);
    /// </code>
    /// </example>
    public HearthClient(string baseUrl, string clientId, string clientSecret)
        : this(new HearthClientOptions
        {
            BaseAddress = HearthClientOptions.ParseBaseAddress(baseUrl),
            ClientId = clientId,
            ClientSecret = clientSecret,
        })
    {
    }

    /// <summary>The API's base address, always ending in '/'.</summary>
    public Uri BaseAddress => _connection.BaseAddress;

    /// <summary>Creating, listing, changing and deleting workspaces.</summary>
    public WorkspacesClient Workspaces { get; }

    /// <summary>
    /// Creates a client from a credentials file of the shape the server writes to
    /// <c>DATA_DIR/admin-credentials.json</c>: <c>{ "client_id", "client_secret", "api_url"? }</c>.
    /// </summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="baseUrl">Overrides the file's <c>api_url</c>; when both are absent <c>http://127.0.0.1:7070</c> is used.</param>
    /// <exception cref="IOException">The file does not exist or cannot be read (<see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/>, ...).</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable by this user.</exception>
    /// <exception cref="InvalidDataException">The file is not JSON of that shape.</exception>
    /// <example>
    /// <code>
    /// using var client = HearthClient.FromCredentialsFile("/var/lib/hearth/admin-credentials.json");
    /// </code>
    /// </example>
    public static HearthClient FromCredentialsFile(string path, string? baseUrl = null) =>
        new(HearthClientOptions.FromCredentialsFile(path, baseUrl));

    /// <summary>Asks whether the server is up: <c>GET /health</c>, sent without credentials.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The server's status and version.</returns>
    /// <example>
    /// <code>
    /// var health = await client.GetHealthAsync();
    /// Console.WriteLine($"{health.Status} {health.Version}");
    /// </code>
    /// </example>
    public Task<HealthResponse> GetHealthAsync(CancellationToken cancellationToken = default) =>
        _connection.SendAsync(HttpMethod.Get, ApiPaths.Health, content: null, HearthJsonContext.Default.HealthResponse, cancellationToken, authenticate: false);

    /// <summary>Releases the <see cref="HttpClient"/> if the client created it; a supplied one is left open.</summary>
    public void Dispose() => _connection.Dispose();
}
