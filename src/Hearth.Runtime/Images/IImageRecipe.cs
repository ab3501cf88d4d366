namespace Hearth.Runtime.Images;

/// <summary>
/// How to build one catalogue image into an empty rootfs folder. A new image (node-20, python,
/// postgres) is one more recipe; building, caching, locking and listing are the store's job.
/// </summary>
internal interface IImageRecipe
{
    /// <summary>The name given as <c>image</c> at create, e.g. <c>debian-12</c>.</summary>
    string Name { get; }
    string Label { get; }
    /// <summary>Oblien's catalogue category: os, runtime, database, ...</summary>
    string Category { get; }
    string Description { get; }
    int MinimumMemoryMb { get; }

    /// <summary>Fills <paramref name="rootfs"/> and returns the software versions inside (e.g. <c>busybox 1.35.0</c>).</summary>
    Task<IReadOnlyList<string>> BuildAsync(string rootfs, Action<string> progress, CancellationToken cancellationToken);
}
