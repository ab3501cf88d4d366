using System.Globalization;
using Hearth.Cli.Commands;
using Hearth.Protocol.Images;
using Hearth.Protocol.Json;

namespace Hearth.Cli.Output;

/// <summary>
/// Prints each step of a build, import or pull the moment the server reports it, as
/// <c>  1.2s  step</c> (seconds since the command sent its request), then the image. Under
/// <c>--json</c> the steps go to stderr and stdout holds only the final document.
/// </summary>
internal sealed class ImageProgress(CliContext context, bool json) : IProgress<string>
{
    private readonly long _started = context.Time.GetTimestamp();

    private TextWriter Steps => json ? context.Error : context.Out;

    public void Report(string value)
    {
        var seconds = context.Time.GetElapsedTime(_started).TotalSeconds;
        Steps.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds,6:0.0}s  {value}"));
        Steps.Flush();
    }

    public async Task<int> FinishAsync(ImageInfo image, CancellationToken cancellationToken)
    {
        if (json)
        {
            await JsonOutput.WriteAsync(context.Out, new ImageResponse { Image = image }, HearthJsonContext.Default.ImageResponse, cancellationToken);
        }
        else
        {
            await context.Out.WriteLineAsync(ImageListCommand.Describe(image));
        }

        return ExitCodes.Success;
    }
}
