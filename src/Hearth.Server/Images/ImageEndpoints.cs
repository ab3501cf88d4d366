using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Hearth.Protocol.Errors;
using Hearth.Protocol.Images;
using Hearth.Protocol.Json;
using Hearth.Protocol.Workspaces;
using Hearth.Runtime.Images;
using Hearth.Runtime.Images.Oci;
using Hearth.Server.Api;
using Hearth.Server.Persistence;
using Hearth.Server.RuntimeApi.Files;

namespace Hearth.Server.Images;

/// <summary>
/// <c>GET /workspace/images</c> (Oblien's catalogue) and Hearth's image maintenance next to it:
/// one image, build/rebuild, import, pull, remove, prune. Build, import and pull answer with
/// progress as NDJSON (<see cref="ImageProgressLine"/>), one line per step, then the outcome.
/// </summary>
internal static class ImageEndpoints
{
    /// <summary>An uploaded archive may be large; the disk it lands on is the limit.</summary>
    private const long ImportLimit = 64L * 1024 * 1024 * 1024;

    public static void MapImageEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/workspace/images", (HttpContext context, ImageStore images) =>
        {
            string? search = context.Request.Query["search"], category = context.Request.Query["category"];
            var list = ImageViews.All(images)
                .Where(i => string.IsNullOrEmpty(category) || category == "all" || i.Category == category)
                .Where(i => string.IsNullOrEmpty(search) || $"{i.Id} {i.Label} {i.Description}".Contains(search, StringComparison.OrdinalIgnoreCase))
                .ToList();
            return Reply.Json(new ImagesResponse { Images = list, Categories = ImageViews.Categories });
        });

        app.MapPost("/workspace/images/pull", async (HttpContext context, ImageStore images) =>
        {
            var body = await JsonBody.ReadObjectAsync(context.Request, required: true);
            var reference = body.TryGetProperty("reference", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : null;
            if (reference is null || !ImageStore.NamesRegistry(reference) || reference.Length > 512)
                throw ApiException.Invalid([new FieldError { Field = "reference", Message = "must be a registry reference host[:port]/name[:tag|@sha256:digest]" }]);
            await StreamAsync(context, images, progress => images.PullAsync(reference, progress));
        });

        app.MapPost("/workspace/images/import", async (HttpContext context, ImageStore images) =>
        {
            string? name = context.Request.Query["name"];
            if (name is not null) CheckName(images, name, "name");
            var workDir = Path.Combine(images.Directory, $".import-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(workDir);
                var archive = Path.Combine(workDir, "archive");
                await using (var file = File.Create(archive))
                    await context.Request.Body.CopyToAsync(file, context.RequestAborted);
                if (new FileInfo(archive).Length == 0)
                    throw new ApiException(400, "invalid_archive", "the body is empty; send a docker save or OCI layout archive");
                await StreamAsync(context, images, async progress =>
                {
                    progress("reading the archive");
                    var image = await OciArchive.OpenAsync(archive, Path.Combine(workDir, "blobs"), CancellationToken.None);
                    var imageName = name ?? image.SuggestedName
                        ?? throw new ApiException(400, ErrorCodes.Validation, "the archive names no image (no RepoTags, no ref.name annotation); give ?name=");
                    if (name is null) CheckName(images, imageName, "the archive's image name");
                    return await images.ImportAsync(imageName, image, ImageSources.Import, progress);
                });
            }
            finally
            {
                if (Directory.Exists(workDir)) Directory.Delete(workDir, recursive: true);
            }
        }).WithMetadata(new BodySizeLimit(ImportLimit));

        app.MapPost("/workspace/images/prune", (ImageStore images, WorkspaceRepository repository) =>
        {
            var pinned = repository.All().SelectMany(w => w.ImagePin?.Layers ?? []).ToHashSet(StringComparer.Ordinal);
            var (layers, bytes) = images.Prune(pinned) ?? throw ApiException.Conflict("an image build, import or pull is running; prune after it");
            return Reply.Json(new PruneImagesResponse { RemovedLayers = layers, FreedBytes = bytes });
        });

        app.MapPost("/workspace/images/{name}/build", async (HttpContext context, string name, ImageStore images) =>
        {
            if (!images.IsCatalog(name))
                throw new ApiException(404, ErrorCodes.NotFound, $"no catalogue image '{name}'; imported and pulled images are not built");
            var rebuild = context.Request.Query["rebuild"] is var flag && (flag == "true" || flag == "1");
            await StreamAsync(context, images, progress => rebuild ? images.RebuildAsync(name, progress) : images.EnsureAsync(name, progress));
        });

        app.MapGet("/workspace/images/{**name}", (string name, ImageStore images) =>
            ImageViews.Of(images, name) is { } image ? Reply.Json(new ImageResponse { Image = image }) : throw ApiException.NotFound($"image {name}"));

        app.MapDelete("/workspace/images/{**name}", (string name, ImageStore images) =>
        {
            if (images.Aliases.ContainsKey(name))
                throw ApiException.Conflict($"'{name}' is an alias set in hearthd's settings (image_aliases); change it there");
            if (!images.Remove(name)) throw ApiException.NotFound($"image {name}");
            return Reply.Json(new SuccessResponse { Message = $"image {name} removed; its layers stay while workspaces use them (see prune)" });
        });
    }

    /// <summary>A name an import may take: not the catalogue's or an alias, and sane as a path segment list.</summary>
    private static void CheckName(ImageStore images, string name, string field)
    {
        var valid = name.Length is > 0 and <= 255 && char.IsAsciiLetterOrDigit(name[0])
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-' or '/' or ':' or '@');
        if (!valid)
            throw ApiException.Invalid([new FieldError { Field = field, Message = "lowercase letters, digits and . _ - / : @, at most 255, starting with a letter or digit" }]);
        if (images.IsCatalog(name) || images.Aliases.ContainsKey(name))
            throw ApiException.Conflict($"'{name}' is a catalogue image or alias; import under another name");
    }

    /// <summary>Runs <paramref name="work"/>, streaming its progress lines and then its outcome as NDJSON.</summary>
    private static async Task StreamAsync(HttpContext context, ImageStore images, Func<Action<string>, Task<ImageRecord>> work)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/x-ndjson";
        var clock = Stopwatch.StartNew();
        var lines = Channel.CreateUnbounded<ImageProgressLine>();
        var task = Task.Run(() => work(step => lines.Writer.TryWrite(new ImageProgressLine { Step = step, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) })));
        _ = task.ContinueWith(_ => lines.Writer.TryComplete(), TaskScheduler.Default);

        var connected = true;
        async Task WriteAsync(ImageProgressLine line)
        {
            if (!connected) return;
            try
            {
                await response.WriteAsync(JsonSerializer.Serialize(line, HearthJsonContext.Default.ImageProgressLine) + "\n");
                await response.Body.FlushAsync();
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                connected = false; // the client left; the work goes on for whoever else waits on it
            }
        }

        await foreach (var line in lines.Reader.ReadAllAsync())
            await WriteAsync(line);
        ImageProgressLine outcome;
        try
        {
            var record = await task;
            outcome = new ImageProgressLine { Success = true, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1), Image = ImageViews.Of(images, record.Name) };
        }
        catch (Exception e)
        {
            var (_, code) = ImageErrors.Classify(e);
            outcome = new ImageProgressLine { Success = false, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1), Error = code, Message = e.Message };
        }
        await WriteAsync(outcome);
    }
}
