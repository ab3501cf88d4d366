using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hearth.Testing;

namespace Hearth.IntegrationTests.Infrastructure;

/// <summary>
/// A real registry on loopback: Debian's <c>docker-registry</c> (distribution 2.8) on
/// 127.0.0.1:&lt;free port&gt; with its own storage, configured with <c>auth: token</c>. The token
/// server is an HttpListener here: it checks Basic <see cref="User"/>/<see cref="Password"/> and
/// issues an ES256 JWT whose <c>x5c</c> header carries a self-signed certificate that is also the
/// registry's <c>rootcertbundle</c> (distribution's token.go verifies the chain against it, then
/// iss, aud, exp/nbf and the <c>access</c> claim). <see cref="PushAsync"/> fills it with skopeo.
/// </summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    public const string User = "hearth";
    public const string Password = "registry-test-password";
    private const string Service = "hearth-test-registry";
    private const string Issuer = "hearth-test-token-server";

    private readonly string dir = Path.Combine(Path.GetTempPath(), "hearth-registry-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ConcurrentQueue<string> registryLog = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private HttpListener? tokenServer;
    private Task? tokenLoop;
    private Process? registry;
    private X509Certificate2? certificate;
    private int tokenRequests;

    /// <summary><c>127.0.0.1:PORT</c>, the registry part of a reference.</summary>
    public string Host { get; private set; } = "";

    /// <summary>
    /// <c>127.0.0.1:PORT</c> of the token server (plain http, the registry's realm): like the
    /// registry, a client must list it (insecure_registries) to be let through to loopback.
    /// </summary>
    public string TokenHost { get; private set; } = "";

    /// <summary>How many tokens the token server has handed out (the Bearer flow was used).</summary>
    public int TokensIssued => Volatile.Read(ref tokenRequests);

    public string RegistryLog => string.Join('\n', registryLog);

    public async Task InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess) throw new InvalidOperationException("the registry tests run as root (scripts/test.sh)");
        foreach (var tool in new[] { "/usr/bin/docker-registry", "/usr/bin/skopeo" })
            if (!File.Exists(tool)) throw new InvalidOperationException($"{tool} is missing: run scripts/setup-host.sh (packages docker-registry, skopeo)");
        Directory.CreateDirectory(Path.Combine(dir, "storage"));

        var request = new CertificateRequest("CN=" + Issuer, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(dir, "root.crt"), certificate.ExportCertificatePem());

        var tokenPort = FreePort();
        tokenServer = new HttpListener();
        TokenHost = $"127.0.0.1:{tokenPort}";
        tokenServer.Prefixes.Add($"http://{TokenHost}/");
        tokenServer.Start();
        tokenLoop = Task.Run(ServeTokensAsync);

        var port = FreePort();
        Host = $"127.0.0.1:{port}";
        var config = Path.Combine(dir, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: info
            storage:
              filesystem:
                rootdirectory: {Path.Combine(dir, "storage")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            auth:
              token:
                realm: http://127.0.0.1:{tokenPort}/token
                service: {Service}
                issuer: {Issuer}
                rootcertbundle: {Path.Combine(dir, "root.crt")}
            """);
        var info = new ProcessStartInfo("/usr/bin/docker-registry") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        registry = Process.Start(info)!;
        registry.ErrorDataReceived += (_, e) => { if (e.Data is not null) registryLog.Enqueue(e.Data); };
        registry.OutputDataReceived += (_, e) => { if (e.Data is not null) registryLog.Enqueue(e.Data); };
        registry.BeginErrorReadLine();
        registry.BeginOutputReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (registry.HasExited) throw new InvalidOperationException($"docker-registry exited with {registry.ExitCode}:\n{RegistryLog}");
            try
            {
                using var response = await http.GetAsync($"http://{Host}/v2/");
                if (response.StatusCode == HttpStatusCode.Unauthorized) break;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"docker-registry did not answer on {Host} within 30 s:\n{RegistryLog}");
            await Task.Delay(100);
        }
    }

    /// <summary>Pushes <c>oci:LAYOUT:TAG</c> to <c>HOST/REPOSITORY:TAG</c> with skopeo (plain http, the test credentials).</summary>
    public async Task PushAsync(string layoutDir, string tag, string repository)
    {
        var push = await Command.RunAsync("/usr/bin/skopeo",
            ["copy", "--insecure-policy", "--dest-tls-verify=false", "--dest-creds", $"{User}:{Password}",
             $"oci:{layoutDir}:{tag}", $"docker://{Host}/{repository}:{tag}"], TimeSpan.FromMinutes(2));
        Assert.True(push.ExitCode == 0, $"skopeo copy: {push}\nregistry log:\n{RegistryLog}");
    }

    private async Task ServeTokensAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await tokenServer!.GetContextAsync();
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            try
            {
                Answer(context);
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var header = context.Request.Headers["Authorization"];
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        if (header != expected)
        {
            context.Response.StatusCode = 401;
            context.Response.AddHeader("WWW-Authenticate", "Basic realm=\"hearth-test\"");
            return;
        }
        var access = new JsonArray();
        foreach (var scope in context.Request.QueryString.GetValues("scope") ?? [])
        {
            // type:name:actions, where the name may itself hold colons (never here, but the grammar allows it).
            var first = scope.IndexOf(':', StringComparison.Ordinal);
            var last = scope.LastIndexOf(':');
            if (first < 0 || last <= first) continue;
            access.Add(new JsonObject
            {
                ["type"] = scope[..first],
                ["name"] = scope[(first + 1)..last],
                ["actions"] = new JsonArray([.. scope[(last + 1)..].Split(',').Select(a => (JsonNode?)JsonValue.Create(a))]),
            });
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var jwt = Sign(new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = User,
            ["aud"] = context.Request.QueryString["service"] ?? Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        });
        Interlocked.Increment(ref tokenRequests);
        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["token"] = jwt, ["access_token"] = jwt, ["expires_in"] = 300 });
        context.Response.ContentType = "application/json";
        context.Response.OutputStream.Write(body);
    }

    /// <summary>Compact JWS, ES256 (the signature is r||s, IEEE P1363, which is .NET's default and what libtrust verifies).</summary>
    private string Sign(JsonObject claims)
    {
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "ES256", ["x5c"] = new JsonArray(Convert.ToBase64String(certificate!.RawData)) };
        var input = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256);
        return input + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        await stopping.CancelAsync();
        if (registry is { HasExited: false })
        {
            registry.Kill();
            await registry.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        registry?.Dispose();
        tokenServer?.Close();
        if (tokenLoop is not null) await tokenLoop.WaitAsync(TimeSpan.FromSeconds(10));
        key.Dispose();
        certificate?.Dispose();
        stopping.Dispose();
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }
}
