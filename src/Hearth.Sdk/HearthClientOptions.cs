using System.Text;
using System.Text.Json;
using Hearth.Sdk.Internal;

namespace Hearth.Sdk;

/// <summary>Where a <see cref="HearthClient"/> connects and how it authenticates.</summary>
/// <example>
/// <code>
/// var options = new HearthClientOptions
/// {
///     BaseAddress = new Uri("http://127.0.0.1:7070"),
///     ClientId = "admin",
///     ClientSecret = Environment.GetEnvironmentVariable("HEARTH_CLIENT_SECRET")!,
/// };
/// using var client = new HearthClient(options);
/// </code>
/// </example>
public sealed record HearthClientOptions
{
    /// <summary>The address the control-plane API listens on by default.</summary>
    public static readonly Uri DefaultBaseAddress = new("http://127.0.0.1:7070/");

    /// <summary>The control-plane API's base address, such as <c>http://127.0.0.1:7070</c>.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>Sent as <c>X-Client-ID</c> on every authenticated call.</summary>
    public required string ClientId { get; init; }

    /// <summary>Sent as <c>X-Client-Secret</c> on every authenticated call; never printed by <see cref="ToString"/>.</summary>
    public required string ClientSecret { get; init; }

    /// <summary>
    /// An <see cref="System.Net.Http.HttpClient"/> to send requests with; the caller keeps ownership and
    /// its <see cref="HttpClient.BaseAddress"/> is ignored. When null the client creates and disposes its own.
    /// </summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// How long one call may take before it fails with a transient <see cref="HearthApiException"/>
    /// (code <see cref="HearthApiException.TimeoutCode"/>). Creating a workspace returns only once it runs,
    /// so the default is generous: five minutes. <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The runtime gateway's address to use instead of the <c>gateway_url</c> the server advertises
    /// (which is its <c>runtime_listen</c> address, and may not be reachable from here: a NAT, a
    /// reverse proxy, <c>0.0.0.0</c>). Null uses the advertised one.
    /// </summary>
    /// <example>
    /// <code>
    /// var options = HearthClientOptions.FromCredentialsFile(path) with
    /// {
    ///     RuntimeGatewayAddress = new Uri("https://runtime.example.internal"),
    /// };
    /// </code>
    /// </example>
    public Uri? RuntimeGatewayAddress { get; init; }

    /// <summary>The clock of the runtime token cache; tests move it.</summary>
    internal TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Reads options from a credentials file of the shape the server writes to
    /// <c>DATA_DIR/admin-credentials.json</c>: <c>{ "client_id", "client_secret", "api_url"? }</c>.
    /// </summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="baseUrl">Overrides the file's <c>api_url</c>; when both are absent <see cref="DefaultBaseAddress"/> is used.</param>
    /// <returns>Options without an <see cref="HttpClient"/>; add one with a <c>with</c> expression.</returns>
    /// <exception cref="IOException">The file does not exist or cannot be read (<see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/>, ...).</exception>
    /// <exception cref="UnauthorizedAccessException">The file is not readable by this user.</exception>
    /// <exception cref="InvalidDataException">The file is not JSON of that shape.</exception>
    /// <example>
    /// <code>
    /// var options = HearthClientOptions.FromCredentialsFile("/var/lib/hearth/admin-credentials.json")
    ///     with { HttpClient = sharedHttpClient };
    /// </code>
    /// </example>
    public static HearthClientOptions FromCredentialsFile(string path, string? baseUrl = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CredentialsFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize(stream, SdkJsonContext.Default.CredentialsFile);
        }
        catch (JsonException ex)
        {
            // The message names the position only: the file holds a secret, so none of its text is quoted.
            throw new InvalidDataException($"{path} is not a valid credentials file (line {ex.LineNumber + 1}).", ex);
        }

        if (file is null || string.IsNullOrEmpty(file.ClientId) || string.IsNullOrEmpty(file.ClientSecret))
        {
            throw new InvalidDataException($"{path} lacks client_id or client_secret.");
        }

        var address = baseUrl ?? file.ApiUrl;
        return new HearthClientOptions
        {
            BaseAddress = address is null ? DefaultBaseAddress : ParseBaseAddress(address),
            ClientId = file.ClientId,
            ClientSecret = file.ClientSecret,
        };
    }

    /// <summary>Parses an absolute http(s) URL given as text.</summary>
    internal static Uri ParseBaseAddress(string baseUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseUrl);
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"'{baseUrl}' is not an absolute URL.", nameof(baseUrl));
        }

        return uri;
    }

    // Records print every property; the secret must never reach a log line.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("BaseAddress = ").Append(BaseAddress)
            .Append(", ClientId = ").Append(ClientId)
            .Append(", ClientSecret = ***")
            .Append(", HttpClient = ").Append(HttpClient is null ? "null" : "(supplied)")
            .Append(", Timeout = ").Append(Timeout)
            .Append(", RuntimeGatewayAddress = ").Append(RuntimeGatewayAddress?.ToString() ?? "null");
        return true;
    }
}
