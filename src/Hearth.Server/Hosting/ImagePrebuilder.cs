using Hearth.Runtime.Images;
using Hearth.Server.Options;

namespace Hearth.Server.Hosting;

/// <summary>Builds the configured images in the background at start (smallest first), so creates do not wait.</summary>
internal sealed partial class ImagePrebuilder(HearthOptions options, ImageStore images, ILogger<ImagePrebuilder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        foreach (var name in options.PrebuildImages)
        {
            if (!images.IsKnown(name))
            {
                LogUnknown(name);
                continue;
            }
            try { await images.EnsureAsync(name, cancellationToken: stoppingToken); }
            catch (OperationCanceledException) { return; }
            catch (Exception e) { LogFailed(e, name); }
        }
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "prebuild_images names unknown image {Name}")]
    private partial void LogUnknown(string name);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Error, Message = "prebuilding image {Name} failed; a create of it will try again")]
    private partial void LogFailed(Exception exception, string name);
}
