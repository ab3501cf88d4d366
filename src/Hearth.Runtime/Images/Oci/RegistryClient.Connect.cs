using System.Net;
using System.Net.Sockets;

namespace Hearth.Runtime.Images.Oci;

/// <summary>
/// Where the registry client's connections go. An API client chooses the reference, and a
/// registry chooses its token realm and its redirects, so any of them could aim hearthd at a
/// service on this host's own networks (a loopback admin port, a LAN host, a cloud metadata
/// address). The check sits where every connection is made, the handler's
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, so registry, realm and redirect targets are
/// judged alike and after name resolution: a host the operator did not list is dialled only on
/// an address outside <see cref="OwnNetworks"/>.
/// </summary>
internal sealed partial class RegistryClient
{
    /// <summary>
    /// The handler every <see cref="HttpClient"/> given to a <see cref="RegistryClient"/> must be
    /// built on. No proxy: through one, the callback would dial (and judge) the proxy, not the registry.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(RegistryOptions options) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = true,
        MaxAutomaticRedirections = 5,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(options, context, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(RegistryOptions options, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var port = context.DnsEndPoint.Port;
        var defaultPort = context.InitialRequestMessage.RequestUri?.Scheme == Uri.UriSchemeHttp ? 80 : 443;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var usable = options.Lists(host, port, defaultPort) ? addresses : addresses.Where(a => !OwnNetworks.Contains(a)).ToArray();
        if (usable.Length == 0)
        {
            var shown = (host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host) + (port == defaultPort ? "" : $":{port}");
            throw new RuntimeException("invalid_image",
                $"registry {shown} is on this host's own networks; an operator can allow it with insecure_registries or registry_credentials");
        }

        Exception? last = null;
        foreach (var address in usable)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }
}
