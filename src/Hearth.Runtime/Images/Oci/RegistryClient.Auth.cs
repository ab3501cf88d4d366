using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// The registry auth flow (distribution docs, "Token Authentication Specification"): a request
/// answered 401 with <c>WWW-Authenticate: Bearer realm=..,service=..,scope=..</c> is followed by
/// a GET of the realm (with Basic credentials when some are configured for the registry), whose
/// JSON <c>token</c> (or <c>access_token</c>) is sent as <c>Authorization: Bearer</c> on the retry;
/// a <c>Basic</c> challenge is answered with the configured credentials. A 401 after that is
/// <c>registry_auth_failed</c>. A plain-http realm must be a host the operator listed; where
/// the realm's connection may go is the connect rule's business (<c>RegistryClient.Connect.cs</c>).
/// </summary>
internal sealed partial class RegistryClient
{
    private async Task<HttpResponseMessage> SendAsync(Session session, string path, string? accept, Watchdog watchdog)
    {
        var response = await SendOnceAsync(session, path, accept, watchdog);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;

        var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
        response.Dispose();
        session.Authorization = await AuthorizeAsync(session, challenge, watchdog);
        response = await SendOnceAsync(session, path, accept, watchdog);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;
        response.Dispose();
        throw new RuntimeException("registry_auth_failed", $"{session.Image.Registry}: the registry refused the credentials for {session.Image.Repository}");
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Session session, string path, string? accept, Watchdog watchdog)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(session.BaseUri, path));
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.Authorization = session.Authorization;
        return await SendRawAsync(request, watchdog);
    }

    /// <summary>Sends with the watchdog restarted: the headers must begin to arrive within the idle timeout.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, Watchdog watchdog)
    {
        watchdog.Reset();
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, watchdog.Token);
    }

    private async Task<AuthenticationHeaderValue> AuthorizeAsync(Session session, AuthChallenge? challenge, Watchdog watchdog)
    {
        var registry = session.Image.Registry;
        var credentials = options.Credentials.TryGetValue(registry, out var c) ? Basic(c.User, c.Password) : null;
        if (challenge is null)
            throw new RuntimeException("registry_auth_failed", $"{registry}: answered 401 without a WWW-Authenticate challenge");
        if (challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            return credentials ?? throw new RuntimeException("registry_auth_failed", $"{registry}: the registry needs credentials (--registry-credentials)");
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || challenge["realm"] is not { } realm
            || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
            throw new RuntimeException("registry_auth_failed", $"{registry}: unsupported auth challenge '{challenge.Scheme}'");
        // The registry picks the realm: plain http would send the credentials in the clear to
        // wherever it points, so only a host the operator listed may be reached that way.
        if (realmUri.Scheme == Uri.UriSchemeHttp && !options.Lists(realmUri.Host, realmUri.Port, 80))
            throw new RuntimeException("invalid_image",
                $"{registry}: the token realm {realmUri.GetLeftPart(UriPartial.Authority)} is plain http; it must be https unless an operator lists {realmUri.Authority} in insecure_registries or registry_credentials");

        var query = new List<string>();
        if (challenge["service"] is { } service) query.Add("service=" + Uri.EscapeDataString(service));
        // The registry names the scope it wants; without one (a challenge on /v2/) ask for pull.
        query.Add("scope=" + Uri.EscapeDataString(challenge["scope"] ?? $"repository:{session.Image.Repository}:pull"));
        var builder = new UriBuilder(realmUri);
        builder.Query = string.Join('&', new[] { builder.Query.TrimStart('?') }.Where(q => q.Length > 0).Concat(query));

        using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        request.Headers.Authorization = credentials;
        using var response = await SendRawAsync(request, watchdog);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new RuntimeException("registry_auth_failed", credentials is null
                ? $"{registry}: the token server needs credentials (--registry-credentials)"
                : $"{registry}: the token server refused the credentials");
        if (!response.IsSuccessStatusCode)
            throw new RuntimeException((int)response.StatusCode >= 500 ? "registry_unreachable" : "registry_auth_failed",
                $"{registry}: the token server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        var reply = await ReadDocumentAsync(response, "registry_auth_failed", $"{registry}: the token server's answer", watchdog);
        try
        {
            using var json = JsonDocument.Parse(reply);
            var token = json.RootElement.TryGetProperty("token", out var t) && t.GetString() is { Length: > 0 } tokenText ? tokenText
                : json.RootElement.TryGetProperty("access_token", out var a) && a.GetString() is { Length: > 0 } accessText ? accessText
                : throw new RuntimeException("registry_auth_failed", $"{registry}: the token server's answer has no token");
            return new AuthenticationHeaderValue("Bearer", token);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new RuntimeException("registry_auth_failed", $"{registry}: the token server's answer is not JSON", e);
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
