using Hearth.Server.Options;

namespace Hearth.Server.Hosting;

/// <summary>What hearthd's two HTTP hosts (control plane, runtime gateway) share: logging, one listener, limits.</summary>
internal static class ListenerHost
{
    /// <summary>A slim web host listening on the address in setting <paramref name="key"/> (bodies: see <see cref="Api.BodyLimitMiddleware"/>).</summary>
    public static WebApplicationBuilder Create(HearthOptions options, string key, string address,
        Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>? moreListeners = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(ListenAddress.Parse(key, address));
            moreListeners?.Invoke(kestrel);
            kestrel.Limits.MaxRequestBodySize = Api.BodyLimitMiddleware.KestrelLimit;
            kestrel.AddServerHeader = false;
        });
        return builder;
    }
}
