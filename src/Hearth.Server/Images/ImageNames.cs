using Hearth.Runtime.Images;
using Hearth.Runtime.Images.Catalog;

namespace Hearth.Server.Images;

/// <summary>Which names a create may give as <c>image</c>; the seam keeps the request parser free of the store.</summary>
internal interface IImageNames
{
    /// <summary>A catalogue image, an alias, an image imported or pulled before, or a registry reference (pulled at create).</summary>
    bool CanUse(string name);

    /// <summary>The names to list in an <c>invalid_image</c> error.</summary>
    IReadOnlyList<string> Available();

    /// <summary>Why a well-known name is not offered here (python-3.12), or null.</summary>
    string? WhyUnavailable(string name);
}

internal sealed class ImageNames(ImageStore images) : IImageNames
{
    public bool CanUse(string name) => images.IsKnown(name) || ImageStore.NamesRegistry(name);

    public IReadOnlyList<string> Available() =>
        [.. images.Catalog.Select(i => i.Name), .. images.Aliases.Keys, .. images.List().Where(r => r.Source != ImageSources.Catalog).Select(r => r.Name)];

    public string? WhyUnavailable(string name) => ImageCatalog.Unavailable.GetValueOrDefault(name);
}
