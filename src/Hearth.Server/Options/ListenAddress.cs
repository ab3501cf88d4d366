using System.Net;

namespace Hearth.Server.Options;

/// <summary>Parses <c>host:port</c> listener settings (<c>127.0.0.1:7070</c>, <c>[::1]:7070</c>, <c>:7070</c>).</summary>
internal static class ListenAddress
{
    public static IPEndPoint Parse(string key, string value)
    {
        var text = value.StartsWith(':') ? "0.0.0.0" + value : value;
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port is > 0 and <= 65535)
            return endpoint;
        if (text.StartsWith("localhost:", StringComparison.Ordinal)
            && int.TryParse(text["localhost:".Length..], System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
            return new IPEndPoint(IPAddress.Loopback, port);
        throw new OptionsException($"{key} must be host:port (for example 127.0.0.1:7070), not '{value}'");
    }
}
