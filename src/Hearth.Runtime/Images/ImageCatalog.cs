using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Images;

/// <summary>The images this host can build. Adding an image is adding a line here and, if needed, a recipe class.</summary>
internal static class ImageCatalog
{
    public static IReadOnlyList<IImageRecipe> Recipes(IProcessRunner processes, string? aptMirror) =>
    [
        new BusyboxRecipe(processes),
        new DebootstrapRecipe(processes, "debian-12", "Debian 12 (bookworm)", "bookworm", "12", aptMirror, ["ca-certificates"]),
    ];
}
