using Hearth.Protocol.Images;
using Hearth.Runtime.Images;

namespace Hearth.Server.Images;

/// <summary>The images of this host as <c>GET /workspace/images</c> shows them.</summary>
internal static class ImageViews
{
    public static readonly ImageCategory[] Categories =
    [
        new() { Id = "os", Label = "Operating systems" },
        new() { Id = "runtime", Label = "Language runtimes" },
        new() { Id = "database", Label = "Databases" },
        new() { Id = "custom", Label = "Imported and pulled images" },
    ];

    /// <summary>Catalogue images (built or not), then aliases, then imported and pulled images.</summary>
    public static IReadOnlyList<ImageInfo> All(ImageStore images)
    {
        var list = images.Catalog.Select(c => Catalog(images, c.Name)).ToList();
        list.AddRange(images.Aliases.Select(a => Of(images, a.Key)!));
        list.AddRange(images.List().Where(r => r.Source != ImageSources.Catalog).Select(r => Custom(r, "ready", null)));
        return list;
    }

    /// <summary>One image by name, alias or reference; null if there is no such image.</summary>
    public static ImageInfo? Of(ImageStore images, string name)
    {
        if (images.Aliases.TryGetValue(name, out var target))
        {
            var resolved = Of(images, target);
            var label = $"{name} (alias of {target})";
            return resolved is null
                ? new ImageInfo { Id = name, Label = label, Category = "custom", Image = name, Status = "missing", Source = "alias", AliasOf = target }
                : resolved with { Id = name, Image = name, Label = label, Source = "alias", AliasOf = target };
        }
        if (images.IsCatalog(name)) return Catalog(images, name);
        return images.Find(name) is { } record ? Custom(record, "ready", null) : null;
    }

    private static ImageInfo Catalog(ImageStore images, string name)
    {
        var image = images.Catalog.First(c => c.Name == name);
        var (status, record, error) = images.GetState(name);
        return new ImageInfo
        {
            Id = image.Name,
            Label = image.Label,
            Category = image.Category,
            Image = image.Name,
            Description = image.Description,
            Desc = image.Description,
            MinimumMemoryMb = image.MinimumMemoryMb,
            Software = record?.Software ?? [],
            Status = status.ToString().ToLowerInvariant(),
            SizeBytes = record?.SizeBytes,
            BuiltAt = record?.BuiltAt,
            Error = error,
            Source = ImageSources.Catalog,
            Layers = record?.Layers ?? [],
        };
    }

    private static ImageInfo Custom(ImageRecord record, string status, string? error)
    {
        var description = record.Source == ImageSources.Registry ? $"Pulled from {record.Name}" : "Imported from an OCI or docker archive";
        return new ImageInfo
        {
            Id = record.Name,
            Label = record.Name,
            Category = "custom",
            Image = record.Name,
            Description = description,
            Desc = description,
            MinimumMemoryMb = 128,
            Software = record.Software,
            Status = status,
            SizeBytes = record.SizeBytes,
            BuiltAt = record.BuiltAt,
            Error = error,
            Source = record.Source,
            Layers = record.Layers,
            Digest = record.Digest,
        };
    }
}
