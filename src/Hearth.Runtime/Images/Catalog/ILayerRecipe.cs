namespace Hearth.Runtime.Images.Catalog;

/// <summary>
/// How to build one layer of a catalogue image on top of the layers below it. The store builds
/// a layer once per (parent layers, <see cref="Fingerprint"/>) and shares it with every image
/// that stacks the same recipe on the same parents.
/// </summary>
internal interface ILayerRecipe
{
    /// <summary>A short name for progress lines and logs, e.g. <c>debootstrap bookworm</c>.</summary>
    string Title { get; }

    /// <summary>Changes whenever what the recipe builds changes (its script, its package list, its source version).</summary>
    string Fingerprint { get; }

    /// <summary>Fills <see cref="LayerBuildContext.Tree"/>; throws <see cref="RuntimeException"/> on failure.</summary>
    Task BuildAsync(LayerBuildContext context, CancellationToken cancellationToken);
}

/// <summary>What a recipe gets to build its layer with.</summary>
internal sealed record LayerBuildContext
{
    /// <summary>The new layer's folder, empty at the start; afterwards it holds the layer in overlayfs lower-layer format.</summary>
    public required string Tree { get; init; }

    /// <summary>The layers below, bottom first (empty for a base layer).</summary>
    public required IReadOnlyList<string> LowerTrees { get; init; }

    /// <summary>Reports one step ("apt-get install nodejs npm: 42 packages, 61.2 MiB").</summary>
    public required Action<string> Progress { get; init; }

    /// <summary>The Debian mirror to use (from the host's apt configuration unless the operator set one).</summary>
    public string? AptMirror { get; init; }
}

/// <summary>One entry of the catalogue: the layers it stacks and what a workspace of it runs.</summary>
internal sealed record CatalogImage
{
    public required string Name { get; init; }
    public required string Label { get; init; }
    /// <summary>Oblien's catalogue category: os, runtime, database.</summary>
    public required string Category { get; init; }
    public required string Description { get; init; }
    public int MinimumMemoryMb { get; init; } = 128;

    /// <summary>Bottom first. Images that share a prefix (debian-12 under python-3.11) share those layers on disk.</summary>
    public required IReadOnlyList<ILayerRecipe> Layers { get; init; }

    public ImageConfig Config { get; init; } = new();

    /// <summary>
    /// A /bin/sh script run in the finished image (chroot) that prints the software inside, one
    /// entry per line ("node 20.19.2"); these are the catalogue's <c>software</c> field.
    /// </summary>
    public required string VersionProbe { get; init; }
}
