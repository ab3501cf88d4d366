using Hearth.Bench.Measurement;

namespace Hearth.Bench.Scenarios;

/// <summary>Create -> running from one cached image: the API round trip of <c>POST /workspace {"image": name}</c>.</summary>
internal sealed class ImageCreateSeries(string image, IReadOnlyList<string> defaultCommand)
{
    public string Image { get; } = image;
    /// <summary>The image's default command (entrypoint + cmd); empty when the agent runs alone.</summary>
    public IReadOnlyList<string> DefaultCommand { get; } = defaultCommand;
    public Samples Create { get; } = new($"create -> running, {image}");
}
