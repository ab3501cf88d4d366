// TEMPORARY: the catalogue helper's branch replaces this (ImageCatalog.Images, ChrootRunner).
using Hearth.Runtime.Processes;

namespace Hearth.Runtime.Images.Catalog;

internal static class TemporaryCatalog
{
    public static IReadOnlyList<CatalogImage> Images(IProcessRunner processes, string? aptMirror) =>
        ImageCatalog.Recipes(processes, aptMirror).Select(r => new CatalogImage
        {
            Name = r.Name,
            Label = r.Label,
            Category = r.Category,
            Description = r.Description,
            MinimumMemoryMb = r.MinimumMemoryMb,
            Layers = [new Adapter(r)],
            VersionProbe = "echo " + r.Name,
        }).ToList();

    public static async Task<string> ProbeAsync(IProcessRunner processes, IReadOnlyList<string> layers, string script, CancellationToken cancellationToken) =>
        (await processes.RunCheckedAsync(new ProcessRequest("chroot", [layers[^1], "/bin/sh", "-c", script]), cancellationToken)).StandardOutput;

    private sealed class Adapter(IImageRecipe recipe) : ILayerRecipe
    {
        public string Title => recipe.Name;
        public string Fingerprint => recipe.Name + "-v1";
        public Task BuildAsync(LayerBuildContext context, CancellationToken cancellationToken) => recipe.BuildAsync(context.Tree, context.Progress, cancellationToken);
    }
}
